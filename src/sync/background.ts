/** The Background Sync tag: registered when something waits, so the browser can send it after the app is closed. */
export const BACKGROUND_SYNC_TAG = 'giao-uoc-outbox'

/** Ask the browser to wake the service worker for the outbox once it has a network. */
export async function registerBackgroundSync(): Promise<void> {
  try {
    const registration = (await navigator.serviceWorker?.ready) as (ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }) | undefined
    await registration?.sync?.register(BACKGROUND_SYNC_TAG)
  } catch {
    // Background Sync is a bonus where the browser has it; the app's own triggers remain.
  }
}
