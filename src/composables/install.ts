import { computed, ref, shallowRef } from 'vue'

/** Chromium's install prompt event; not yet in TypeScript's DOM library. */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>
}

/** iPhone and iPad Safari cannot prompt: people add the app from the Share menu themselves. */
export function isIosSafari(userAgent: string, maxTouchPoints: number): boolean {
  const iPhone = /iPhone|iPad|iPod/.test(userAgent)
  const iPadDesktopMode = /Macintosh/.test(userAgent) && maxTouchPoints > 1
  const otherBrowser = /CriOS|FxiOS|EdgiOS|OPiOS/.test(userAgent)
  return (iPhone || iPadDesktopMode) && !otherBrowser
}

export function isStandalone(win: Window): boolean {
  const nav = win.navigator as Navigator & { standalone?: boolean }
  return win.matchMedia('(display-mode: standalone)').matches || nav.standalone === true
}

// One deferred prompt for the whole app: the event fires once, often before Settings is open.
const deferredPrompt = shallowRef<BeforeInstallPromptEvent | null>(null)
const installed = ref(false)

/** Keep the browser's install prompt for later; call once at start-up. */
export function listenForInstallPrompt(win: Window = window): void {
  installed.value = isStandalone(win)
  win.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault()
    deferredPrompt.value = event as BeforeInstallPromptEvent
  })
  win.addEventListener('appinstalled', () => {
    installed.value = true
    deferredPrompt.value = null
  })
}

export function useInstallPrompt(win: Window = window) {
  const ios = isIosSafari(win.navigator.userAgent, win.navigator.maxTouchPoints)

  async function install(): Promise<void> {
    const event = deferredPrompt.value
    if (!event) return
    await event.prompt()
    const { outcome } = await event.userChoice
    deferredPrompt.value = null
    if (outcome === 'accepted') installed.value = true
  }

  const canInstall = computed(() => deferredPrompt.value !== null && !installed.value)

  return { canInstall, installed, ios, install }
}
