import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { Dexie } from 'dexie'
import { AppDatabase } from '@/db/database'
import { getMeta, openDatabase, setMeta } from '@/db/meta'

let db: AppDatabase

afterEach(async () => {
  await db.delete()
})

describe('the phone database', () => {
  it('opens at schema version 2 with meta, enrollment and the reference tables', async () => {
    db = new AppDatabase(`test-${crypto.randomUUID()}`)
    await db.open()
    expect(db.verno).toBe(2)
    expect(db.tables.map((table) => table.name).sort()).toEqual(
      ['assignments', 'blocs', 'commitments', 'communes', 'covenants', 'enrollment', 'members', 'meta', 'units'].sort(),
    )
  })

  it('upgrades a version 1 database and keeps what it held', async () => {
    const name = `test-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(1).stores({ meta: 'key' })
    await old.table('meta').put({ key: 'firstOpenedAt', value: '2026-01-02T03:04:05.000Z' })
    old.close()

    db = new AppDatabase(name)
    await db.open()
    expect(db.verno).toBe(2)
    expect(await getMeta('firstOpenedAt', db)).toBe('2026-01-02T03:04:05.000Z')
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
