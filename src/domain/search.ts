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

/** Order by Vietnamese words as a Vietnamese reader orders them (Đ after D, Ủ among the U). */
export function byVietnamese<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => key(a).localeCompare(key(b), 'vi')
}
