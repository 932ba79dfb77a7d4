/** The browser's estimate of the storage this app uses and may use; undefined where it cannot say. */
export async function estimateStorage(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<StorageEstimate | undefined> {
  try {
    return await storage?.estimate?.()
  } catch {
    return undefined
  }
}

/** Bytes still free by an estimate, or null when it does not say. */
export function freeBytesOf(estimate: StorageEstimate | undefined): number | null {
  return estimate?.quota !== undefined && estimate.usage !== undefined ? Math.max(0, Math.round(estimate.quota - estimate.usage)) : null
}

/** Whether a write failed because the phone's storage is full: Dexie keeps the browser's error, wrapped or not. */
export function isQuotaError(error: unknown): boolean {
  const named = (value: unknown) => value instanceof Error && value.name === 'QuotaExceededError'
  return named(error) || named((error as { inner?: unknown } | null)?.inner)
}
