/**
 * Text for searching without diacritics: "Xã khó khăn" and "xa kho khan" become the same.
 * Đ/đ is a letter of its own in Unicode, not D with a mark, so it is mapped by hand.
 */
export function foldVietnamese(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

/** Whether every word of `query` appears in `text`, ignoring case and diacritics. */
export function matchesSearch(text: string, query: string): boolean {
  const haystack = foldVietnamese(text)
  return foldVietnamese(query)
    .split(' ')
    .filter(Boolean)
    .every((word) => haystack.includes(word))
}

/**
 * A key that orders Vietnamese text as the alphabet does (a ă â b c d đ e ê … o ô ơ … u ư …),
 * tones set aside: each letter with a breve, circumflex or horn, and đ, sorts after its base
 * letter. Plain string comparison of keys, with no collator to build: cheap on a slow phone.
 */
export function vietnameseSortKey(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300\u0301\u0303\u0309\u0323]/g, '')
    .replace(/\u0306/g, '\u007f1')
    .replace(/\u0302/g, '\u007f2')
    .replace(/\u031b/g, '\u007f3')
    .replace(/đ/g, 'd\u007f1')
}

/** Order by Vietnamese words as a Vietnamese reader orders them; the same letters with other tones by their text. */
export function byVietnamese<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const [left, right] = [key(a), key(b)]
    const [keyLeft, keyRight] = [vietnameseSortKey(left), vietnameseSortKey(right)]
    if (keyLeft !== keyRight) return keyLeft < keyRight ? -1 : 1
    return left < right ? -1 : left > right ? 1 : 0
  }
}

/** Items by a key, each group in the items' order (Map.groupBy, which Node 20 lacks). */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}
