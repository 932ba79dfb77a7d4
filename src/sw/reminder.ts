/// <reference lib="webworker" />

/** A tap on the visit plan's reminder opens "Cần làm" in the app's window, or a new one. */
export function listenForReminderClicks(self: ServiceWorkerGlobalScope): void {
  self.addEventListener('notificationclick', (event: NotificationEvent) => {
    event.notification.close()
    const url = typeof (event.notification.data as { url?: unknown } | null)?.url === 'string' ? (event.notification.data as { url: string }).url : '/'
    event.waitUntil(
      (async () => {
        const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
        const open = windows[0]
        if (open) {
          await open.focus()
          await open.navigate(url)
        } else await self.clients.openWindow(url)
      })(),
    )
  })
}
