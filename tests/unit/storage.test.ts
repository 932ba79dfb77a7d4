import { describe, expect, it, vi } from 'vitest'
import { getPersistState, getStorageSummary, useStorage } from '@/composables/storage'

const MB = 1024 * 1024

describe('getStorageSummary', () => {
  it.each([
    [undefined, null],
    [{}, null],
    [{ usage: 10, quota: 0 }, null],
    [
      { usage: 100 * MB, quota: 1000 * MB },
      { used: 100 * MB, quota: 1000 * MB, ratio: 0.1, low: false },
    ],
    [
      { usage: 950 * MB, quota: 1000 * MB },
      { used: 950 * MB, quota: 1000 * MB, ratio: 0.95, low: true },
    ],
    [
      { usage: 10 * MB, quota: 60 * MB },
      { used: 10 * MB, quota: 60 * MB, ratio: 10 / 60, low: true },
    ],
  ])('%j → %j', (estimate, expected) => {
    expect(getStorageSummary(estimate)).toEqual(expected)
  })
})

describe('getPersistState', () => {
  it.each([
    [true, false, 'unsupported'],
    [undefined, true, 'unknown'],
    [true, true, 'granted'],
    [false, true, 'denied'],
  ] as const)('persisted %s, supported %s → %s', (persisted, supported, expected) => {
    expect(getPersistState(persisted, supported)).toBe(expected)
  })
})

describe('useStorage', () => {
  function fakeStorage(granted: boolean): StorageManager {
    let persisted = false
    return {
      estimate: vi.fn(() => Promise.resolve({ usage: 5 * MB, quota: 500 * MB })),
      persisted: vi.fn(() => Promise.resolve(persisted)),
      persist: vi.fn(() => {
        persisted = granted
        return Promise.resolve(granted)
      }),
      getDirectory: vi.fn(),
    }
  }

  it('reads usage and whether data is kept', async () => {
    const storage = useStorage(fakeStorage(true))
    await storage.refresh()
    expect(storage.summary.value).toMatchObject({ used: 5 * MB, quota: 500 * MB, low: false })
    expect(storage.persist.value).toBe('denied')
  })

  it.each([
    [true, 'granted'],
    [false, 'denied'],
  ] as const)('shows the browser answer to "keep data" (%s → %s)', async (granted, expected) => {
    const storage = useStorage(fakeStorage(granted))
    await storage.requestPersist()
    expect(storage.persist.value).toBe(expected)
  })

  it('says so when the browser has no storage manager', async () => {
    const storage = useStorage(undefined)
    await storage.refresh()
    await storage.requestPersist()
    expect(storage.summary.value).toBeNull()
    expect(storage.persist.value).toBe('unsupported')
  })
})

describe('keepDataOnPhone', () => {
  it('asks the browser once per run to keep the data, and not when it keeps it already', async () => {
    vi.resetModules()
    const { keepDataOnPhone } = await import('@/db/quota')
    const persist = vi.fn(() => Promise.resolve(true))
    const storage = { persist, persisted: () => Promise.resolve(false) } as unknown as StorageManager
    await keepDataOnPhone(storage)
    await keepDataOnPhone(storage)
    expect(persist).toHaveBeenCalledTimes(1)

    vi.resetModules()
    const again = await import('@/db/quota')
    const kept = vi.fn(() => Promise.resolve(true))
    await again.keepDataOnPhone({ persist: kept, persisted: () => Promise.resolve(true) } as unknown as StorageManager)
    expect(kept).not.toHaveBeenCalled()
    // A browser that throws is no failure of the save.
    vi.resetModules()
    const broken = await import('@/db/quota')
    await expect(
      broken.keepDataOnPhone({ persist: () => Promise.reject(new Error('no')), persisted: () => Promise.resolve(false) } as unknown as StorageManager),
    ).resolves.toBeUndefined()
  })
})
