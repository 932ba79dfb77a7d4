import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Router } from 'vue-router'
import { useFieldStore } from '@/stores/field'
import { useOutboxStore } from '@/stores/outbox'

/**
 * The field's first screen (the commune list) kept for `public/first-screen.js`, which paints it
 * on the next start before the app's code has loaded. The saved screen is what the app would
 * show now, or nothing: it is saved whenever the screen is on display and something it shows
 * changes, and forgotten when that happens while it is not. Parts that are only true for a
 * moment (the network's state, times such as "2 phút trước", a passing failure) carry
 * `data-first-screen="skip"` and are left out. The painter shows the screen only for the build
 * that saved it and only at the start page, and keeps a link tapped before the app is ready for
 * the app to follow (`takeOverFirstScreen`).
 */
export const FIRST_SCREEN_KEY = 'giao-uoc.first-screen'

export interface SavedFirstScreen {
  /** The build's entry script: another build's screen is never painted. */
  entry: string
  /** Stylesheets the screen needs, the lazily loaded ones included. */
  styles: string[]
  html: string
}

let shown: HTMLElement | null = null
let pending = false

function storage(): Storage | undefined {
  return globalThis.localStorage
}

/** The screen as it is now, without what is true only for a moment. */
export function captureFirstScreen(root: HTMLElement, doc: Document = document): SavedFirstScreen | null {
  const entry = doc.querySelector('script[type="module"][src]')?.getAttribute('src')
  if (!entry) return null
  const copy = root.cloneNode(true) as HTMLElement
  for (const skipped of copy.querySelectorAll('[data-first-screen="skip"]')) skipped.remove()
  const styles = [...doc.querySelectorAll('link[rel="stylesheet"][href]')].map((link) => link.getAttribute('href') ?? '')
  return { entry, styles, html: copy.innerHTML }
}

function save(): void {
  pending = false
  const saved = shown && captureFirstScreen(shown)
  try {
    if (saved) storage()?.setItem(FIRST_SCREEN_KEY, JSON.stringify(saved))
  } catch {
    // A full localStorage costs the next start only its head start.
  }
}

function forget(): void {
  try {
    storage()?.removeItem(FIRST_SCREEN_KEY)
  } catch {
    // Nothing to forget where there is no storage.
  }
}

/** Something the first screen shows has changed (and is rendered): saved, or forgotten. */
function changed(): void {
  if (!shown) return forget()
  if (pending) return
  pending = true
  setTimeout(save, 0)
}

/** In the app's root component: whatever the first screen shows changes, the saved screen follows. */
export function keepFirstScreen(): void {
  const field = useFieldStore()
  const outbox = useOutboxStore()
  const { locale } = useI18n()
  watch([() => field.data, () => field.pulling, () => outbox.summary, () => outbox.syncing, locale], changed, { flush: 'post' })
}

/** In the first screen's view: on display while `element` is mounted. */
export function useFirstScreen(element: Ref<HTMLElement | null>): void {
  onMounted(() => {
    shown = element.value?.closest<HTMLElement>('[data-v-app]') ?? null
    changed()
  })
  onBeforeUnmount(() => (shown = null))
}

/**
 * Once the app has mounted in `root`: the painted screen is the app's now, and a link tapped
 * while it was only painted is followed.
 */
export function takeOverFirstScreen(root: HTMLElement | null, router: Router): void {
  const tapped = root?.dataset.tapped
  root?.removeAttribute('aria-busy')
  if (root) delete root.dataset.tapped
  if (tapped) void router.push(tapped)
}
