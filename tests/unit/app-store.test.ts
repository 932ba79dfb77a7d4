import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAppStore } from '@/stores/app'

beforeEach(() => {
  setActivePinia(createPinia())
})

describe('app store', () => {
  it('is ready once the database opens', async () => {
    const app = useAppStore()
    expect(app.databaseState).toBe('opening')
    await app.start(() => Promise.resolve('2026-11-25T00:00:00.000Z'))
    expect(app.databaseState).toBe('ready')
    expect(app.firstOpenedAt).toBe('2026-11-25T00:00:00.000Z')
  })

  it('keeps the reason when the database cannot open', async () => {
    const app = useAppStore()
    const quota = new DOMException('The quota has been exceeded.', 'QuotaExceededError')
    await app.start(() => Promise.reject(quota))
    expect(app.databaseState).toBe('error')
    expect(app.databaseError).toBe('QuotaExceededError: The quota has been exceeded.')
  })

  it('follows the browser going offline and online', async () => {
    const app = useAppStore()
    await app.start(() => Promise.resolve('x'))
    Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => false })
    window.dispatchEvent(new Event('offline'))
    expect(app.online).toBe(false)
    Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => true })
    window.dispatchEvent(new Event('online'))
    expect(app.online).toBe(true)
  })
})
