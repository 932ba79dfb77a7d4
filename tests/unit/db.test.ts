import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { AppDatabase } from '@/db/database'
import { getMeta, openDatabase, setMeta } from '@/db/meta'

let db: AppDatabase

afterEach(async () => {
  await db.delete()
})

describe('the phone database', () => {
  it('opens at schema version 1 with a meta table', async () => {
    db = new AppDatabase(`test-${crypto.randomUUID()}`)
    await db.open()
    expect(db.verno).toBe(1)
    expect(db.tables.map((table) => table.name)).toContain('meta')
  })

  it('remembers the first opening and keeps it on later ones', async () => {
    const name = `test-${crypto.randomUUID()}`
    db = new AppDatabase(name)
    const first = await openDatabase(db, () => new Date('2026-01-02T03:04:05Z'))
    db.close()

    db = new AppDatabase(name)
    const again = await openDatabase(db, () => new Date('2027-01-01T00:00:00Z'))
    expect(first).toBe('2026-01-02T03:04:05.000Z')
    expect(again).toBe(first)
  })

  it('stores and reads meta values', async () => {
    db = new AppDatabase(`test-${crypto.randomUUID()}`)
    await setMeta('cursor', { at: 42 }, db)
    expect(await getMeta('cursor', db)).toEqual({ at: 42 })
    expect(await getMeta('missing', db)).toBeUndefined()
  })
})
