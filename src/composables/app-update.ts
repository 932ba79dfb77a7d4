import { watch } from 'vue'
import { useRegisterSW } from 'virtual:pwa-register/vue'

// Look for a new version every hour while the app stays open; the person decides when to switch.
const updateCheckMs = 60 * 60 * 1000
// "Ready offline" is news, not a question: it goes away by itself and frees the screen.
const offlineReadyMs = 6000

/** The service worker's update cycle: is a new version waiting, and switch to it on request. */
export function useAppUpdate() {
  const { needRefresh, offlineReady, updateServiceWorker } = useRegisterSW({
    immediate: true,
    onRegisteredSW(_swUrl, registration) {
      if (!registration) return
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined)
      }, updateCheckMs)
    },
  })

  /**
   * Activate the waiting version and reload into it. The reload is ours: workbox-window reloads
   * only when the page was already controlled at start, not after a first install.
   */
  async function applyUpdate(): Promise<void> {
    navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true })
    await updateServiceWorker(true)
  }

  watch(
    offlineReady,
    (ready) => {
      if (ready) setTimeout(() => (offlineReady.value = false), offlineReadyMs)
    },
    { immediate: true },
  )

  function dismiss(): void {
    needRefresh.value = false
    offlineReady.value = false
  }

  return { needRefresh, offlineReady, applyUpdate, dismiss }
}
