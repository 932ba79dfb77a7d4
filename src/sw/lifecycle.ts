/// <reference lib="webworker" />

/**
 * A new version waits until the person accepts the update prompt (which posts SKIP_WAITING);
 * the first version takes control at once, so the first visit already works offline.
 */
export function listenForLifecycle(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('message', (event: ExtendableMessageEvent) => {
    if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
  })
  self.addEventListener('activate', (event) => {
    event.waitUntil(self.clients.claim())
  })
}
