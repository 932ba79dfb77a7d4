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
  it('opens at schema version 3 with meta, enrollment, the reference tables, reports, outbox and photos', async () => {
    db = new AppDatabase(`test-${crypto.randomUUID()}`)
    await db.open()
    expect(db.verno).toBe(3)
    expect(db.tables.map((table) => table.name).sort()).toEqual(
      ['assignments', 'blocs', 'commitments', 'communes', 'covenants', 'enrollment', 'members', 'meta', 'outbox', 'photos', 'reports', 'units'].sort(),
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
    expect(db.verno).toBe(3)
    expect(await getMeta('firstOpenedAt', db)).toBe('2026-01-02T03:04:05.000Z')
  })

  it('upgrades a version 2 database with an enrollment and reference data, and keeps them', async () => {
    const name = `test-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(1).stores({ meta: 'key' })
    old.version(2).stores({ enrollment: 'key', communes: 'id', commitments: 'id, covenantId' })
    await old.table('enrollment').put({ key: 'current', memberId: 'm1', token: 'secret' })
    await old.table('communes').put({ id: 'lung-cu', name: 'Lũng Cú' })
    old.close()

    db = new AppDatabase(name)
    await db.open()
    expect(db.verno).toBe(3)
    expect(await db.enrollment.get('current')).toMatchObject({ memberId: 'm1', token: 'secret' })
    expect(await db.communes.get('lung-cu')).toMatchObject({ name: 'Lũng Cú' })
    expect(await db.reports.count()).toBe(0)
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
