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

let keepAsked = false

/**
 * Ask the browser, once per run, to keep this app's data when the phone runs short of space
 * (persistent storage): called when a report is first saved, so that the cadre's work is not
 * the first thing a browser clears. Best effort; Settings shows the answer.
 */
export async function keepDataOnPhone(storage: StorageManager | undefined = globalThis.navigator?.storage): Promise<void> {
  if (keepAsked) return
  keepAsked = true
  // A window's StorageManager has persist(); a worker's does not.
  const manager = storage as (StorageManager & { persist?: () => Promise<boolean> }) | undefined
  try {
    if (typeof manager?.persist === 'function' && !(await manager.persisted())) await manager.persist()
  } catch {
    // Refused or not offered: Settings says so and offers it again.
  }
}
