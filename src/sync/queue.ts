/**
 * The longest run of items from the front of the queue that fits one push: at most
 * `maxItems`, and at most `maxBytes` once serialised. The first item always goes, even alone
 * over the limit: the endpoint is the one to refuse it, and the others are not held behind it.
 */
export function takeBatch<T>(items: readonly T[], size: (item: T) => number, maxItems: number, maxBytes: number): T[] {
  const batch: T[] = []
  let bytes = 0
  for (const item of items) {
    const itemBytes = size(item)
    if (batch.length > 0 && (batch.length >= maxItems || bytes + itemBytes > maxBytes)) break
    batch.push(item)
    bytes += itemBytes
  }
  return batch
}
