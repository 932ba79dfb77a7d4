import { computed, ref, shallowRef, watch } from 'vue'
import { defineStore } from 'pinia'
import type { OutboxSummary } from '@/db/outbox'
import type { SyncOutcome, SyncProgress } from '@/sync/outbox'
import { registerBackgroundSync } from '@/sync/background'
import { useAppStore } from './app'
import { useFieldStore } from './field'

const loadOutbox = () => import('@/db/outbox')
const loadSync = () => import('@/sync/outbox')
const loadPhotos = () => import('@/sync/uploads')

/** How soon to look again when another tab or the service worker was sending. */
const BUSY_RETRY_MS = 2000

/**
 * The outbox as the screens see it: how much waits, when the last sync succeeded, the sync
 * under way and its progress. It sends whenever there is a chance: at start, when the network
 * comes back, when the app is shown again, when the next retry is due, and on request.
 */
export const useOutboxStore = defineStore('outbox', () => {
  const summary = shallowRef<OutboxSummary>({ reports: 0, photos: 0, nextAttemptAt: null, lastSyncAt: null })
  const syncing = ref(false)
  const progress = shallowRef<SyncProgress | null>(null)
  const lastOutcome = ref<SyncOutcome | 'failed' | null>(null)
  const waiting = computed(() => summary.value.reports + summary.value.photos)
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  /** A chance to send that came while a sync was under way: taken once it ends. */
  let missed = false
  let stopWatching: (() => void) | null = null

  function start(): void {
    if (stopWatching) return
    const app = useAppStore()
    const field = useFieldStore()
    void loadOutbox().then(({ watchOutbox }) => {
      stopWatching = watchOutbox(
        (value) => {
          const grew = value.reports + value.photos > waiting.value
          summary.value = value
          schedule()
          if (grew) void registerBackgroundSync()
        },
        () => undefined,
      )
    })
    watch(
      () => app.online,
      (online) => {
        if (online) void send()
      },
    )
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void send()
    })
    navigator.serviceWorker?.addEventListener('message', (event: MessageEvent<{ type?: string } | null>) => {
      if (event.data?.type === 'sync-outbox') void send()
    })
    void field.start().then(() => send())
  }

  /** A timer for the earliest retry, while something waits, not sooner than `atLeastMs`. */
  function schedule(atLeastMs = 0): void {
    clearTimeout(retryTimer)
    if (waiting.value === 0) return
    const at = summary.value.nextAttemptAt
    const delay = at === null ? 0 : Math.max(0, Date.parse(at) - Date.now())
    retryTimer = setTimeout(() => void send(), Math.max(delay, atLeastMs) + 250)
  }

  /** Send what waits, if the phone is enrolled and online. Never throws. */
  async function send(ignoreBackoff = false): Promise<SyncOutcome | 'failed' | 'skipped'> {
    const field = useFieldStore()
    if (syncing.value) {
      missed = true
      return 'skipped'
    }
    if (!field.enrolled || field.revoked || !useAppStore().online) return 'skipped'
    // Nothing waits: no need to load the sync code at all.
    if (waiting.value === 0 && !ignoreBackoff) return 'skipped'
    syncing.value = true
    try {
      const { syncOutbox } = await loadSync()
      lastOutcome.value = await syncOutbox({ appVersion: __APP_VERSION__, ignoreBackoff, photos: loadPhotos, onProgress: (value) => (progress.value = value) })
      if (lastOutcome.value === 'revoked') await field.pull()
    } catch {
      lastOutcome.value = 'failed'
    } finally {
      syncing.value = false
      progress.value = null
    }
    // The retry timer is armed by the outbox's changes; one that fired during this sync, or while
    // another tab or the service worker held the outbox, would otherwise wait for the next change.
    if (missed || lastOutcome.value === 'busy') schedule(lastOutcome.value === 'busy' ? BUSY_RETRY_MS : 0)
    missed = false
    return lastOutcome.value
  }

  /** "Đồng bộ ngay": the unit's reference data, then everything in the outbox, backoff or not. */
  async function syncNow(): Promise<void> {
    await useFieldStore().pull()
    await send(true)
  }

  return { summary, syncing, progress, lastOutcome, waiting, start, send, syncNow }
})
