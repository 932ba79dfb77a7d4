/// <reference lib="webworker" />
import { BACKGROUND_SYNC_TAG } from '../sync/background'
import { syncOutbox } from '../sync/outbox'
import { sendPhoto } from '../sync/uploads'

/**
 * Background Sync: the browser wakes the worker once it has a network. An open window sends
 * itself (and shows its progress); with none open, the worker sends the queued reports and
 * their photos, by the same tus over `fetch` as the app.
 */
export function listenForBackgroundSync(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('sync', (event: Event) => {
    const sync = event as ExtendableEvent & { tag: string }
    if (sync.tag === BACKGROUND_SYNC_TAG) sync.waitUntil(syncFromWorker(self))
  })
}

async function syncFromWorker(self: ServiceWorkerGlobalScope): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window' })
  if (windows.length > 0) {
    for (const client of windows) client.postMessage({ type: 'sync-outbox' })
    return
  }
  const outcome = await syncOutbox({ appVersion: __APP_VERSION__, photos: () => Promise.resolve({ sendPhoto }) })
  // A failure tells the browser to try this sync again later.
  if (outcome === 'waiting') throw new Error('the outbox still waits')
}
