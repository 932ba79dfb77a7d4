import { ref } from 'vue'
import { estimateStorage } from '@/db/quota'

/** What the Settings page shows of the browser's storage for this app. */
export interface StorageSummary {
  used: number
  quota: number
  ratio: number
  /** Less than 10 % or 100 MB left: time to send what waits and free space. */
  low: boolean
}

const lowRatio = 0.9
const lowBytesLeft = 100 * 1024 * 1024

export function getStorageSummary(estimate: StorageEstimate | undefined): StorageSummary | null {
  const used = estimate?.usage
  const quota = estimate?.quota
  if (used === undefined || quota === undefined || quota <= 0) return null
  const ratio = used / quota
  return { used, quota, ratio, low: ratio >= lowRatio || quota - used < lowBytesLeft }
}

export type PersistState = 'unknown' | 'granted' | 'denied' | 'unsupported'

export function getPersistState(persisted: boolean | undefined, supported: boolean): PersistState {
  if (!supported) return 'unsupported'
  if (persisted === undefined) return 'unknown'
  return persisted ? 'granted' : 'denied'
}

/** Storage used and available, and the "keep data on this device" request. */
export function useStorage(storage: StorageManager | undefined = globalThis.navigator?.storage) {
  const summary = ref<StorageSummary | null>(null)
  const persist = ref<PersistState>(getPersistState(undefined, typeof storage?.persist === 'function'))

  async function refresh(): Promise<void> {
    if (!storage) return
    summary.value = getStorageSummary(await estimateStorage(storage))
    if (typeof storage.persisted === 'function') persist.value = getPersistState(await storage.persisted(), true)
  }

  async function requestPersist(): Promise<void> {
    if (typeof storage?.persist !== 'function') return
    persist.value = getPersistState(await storage.persist(), true)
  }

  return { summary, persist, refresh, requestPersist }
}

export interface ReportStorage {
  reports: number
  photos: number
  photoBytes: number
}

/** What the reports and photos on this phone take, or null when the database cannot say. */
export async function reportStorage(): Promise<ReportStorage | null> {
  return (await import('@/db/reports')).reportStorage().catch(() => null)
}

/** Whether full-size photos the endpoint has accepted are dropped to free space (off unless chosen). */
export async function sentPhotoPruning(): Promise<boolean> {
  const [{ getMeta }, { PRUNE_SENT_PHOTOS }] = await Promise.all([import('@/db/meta'), import('@/db/outbox')])
  return (await getMeta<boolean>(PRUNE_SENT_PHOTOS)) === true
}

/** Choose it; turned on, it frees the space of photos already sent at once. */
export async function setSentPhotoPruning(on: boolean): Promise<void> {
  const [{ setMeta }, { PRUNE_SENT_PHOTOS, pruneSentPhotos }] = await Promise.all([import('@/db/meta'), import('@/db/outbox')])
  await setMeta(PRUNE_SENT_PHOTOS, on)
  if (on) await pruneSentPhotos()
}
