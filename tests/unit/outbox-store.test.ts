import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { OutboxSummary } from '@/db/outbox'
import type { SyncOutcome } from '@/sync/outbox'
import { db } from '@/db/database'
import { saveEnrollment } from '@/db/reference'
import { useFieldStore } from '@/stores/field'
import { useOutboxStore } from '@/stores/outbox'

// The outbox's changes and the sync itself are played by the test; the store's timing is real.
const outbox = vi.hoisted(() => ({ emit: null as ((summary: OutboxSummary) => void) | null }))
const sync = vi.hoisted(() => ({ syncOutbox: vi.fn() }))
vi.mock('@/db/outbox', () => ({
  watchOutbox: (onChange: (summary: OutboxSummary) => void) => {
    outbox.emit = onChange
    return () => undefined
  },
}))
vi.mock('@/sync/outbox', () => sync)
vi.mock('@/sync/background', () => ({ registerBackgroundSync: () => Promise.resolve() }))

const waiting: OutboxSummary = { reports: 3, photos: 1, nextAttemptAt: null, lastSyncAt: null }

/** A sync the test ends when it chooses. */
function heldSync(): { ended: (outcome: SyncOutcome) => void } {
  let end: (outcome: SyncOutcome) => void = () => undefined
  sync.syncOutbox.mockImplementationOnce(() => new Promise<SyncOutcome>((resolve) => (end = resolve)))
  return { ended: (outcome) => end(outcome) }
}

async function started(): Promise<ReturnType<typeof useOutboxStore>> {
  await saveEnrollment({ deviceId: 'd', deviceName: 'Máy', token: 'gud_x', memberId: 'm', unitId: 'u', enrolledAt: '2026-03-01T00:00:00.000Z' })
  const store = useOutboxStore()
  store.start()
  await vi.waitFor(() => expect(outbox.emit).not.toBeNull())
  await vi.waitFor(() => expect(useFieldStore().enrolled).toBe(true))
  return store
}

beforeEach(async () => {
  setActivePinia(createPinia())
  localStorage.clear()
  outbox.emit = null
  sync.syncOutbox.mockReset()
  vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
  await db.delete()
  await db.open()
})

afterEach(() => {
  useFieldStore().stop()
  vi.unstubAllGlobals()
})

describe('outbox store', () => {
  it('takes a retry that fell due during a sync once that sync ends', async () => {
    const first = heldSync()
    sync.syncOutbox.mockResolvedValue('done')
    const store = await started()
    outbox.emit?.(waiting)
    await vi.waitFor(() => expect(sync.syncOutbox).toHaveBeenCalledTimes(1))
    // The sync's own writes arm the timer for a retry due now; it fires while the sync runs.
    outbox.emit?.({ ...waiting, nextAttemptAt: new Date().toISOString() })
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(store.syncing).toBe(true)
    // The sync ends with no further change to the outbox: the retry is still taken.
    first.ended('waiting')
    await vi.waitFor(() => expect(sync.syncOutbox).toHaveBeenCalledTimes(2), { timeout: 2000 })
  })

  it('looks again soon when another tab or the service worker held the outbox', async () => {
    sync.syncOutbox.mockResolvedValueOnce('busy').mockResolvedValue('done')
    await started()
    outbox.emit?.(waiting)
    await vi.waitFor(() => expect(sync.syncOutbox).toHaveBeenCalledTimes(1))
    await vi.waitFor(() => expect(sync.syncOutbox).toHaveBeenCalledTimes(2), { timeout: 4000 })
  })
})
