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
  it('opens at schema version 7 with meta, enrollment, the reference tables, reports, outbox, photos, uploads and exemplary cases', async () => {
    db = new AppDatabase(`test-${crypto.randomUUID()}`)
    await db.open()
    expect(db.verno).toBe(7)
    expect(db.tables.map((table) => table.name).sort()).toEqual(
      ['assignments', 'blocs', 'commitments', 'communes', 'covenants', 'enrollment', 'exemplars', 'members', 'meta', 'outbox', 'photos', 'reports', 'units', 'uploads'].sort(),
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
    expect(db.verno).toBe(7)
    expect(await getMeta('firstOpenedAt', db)).toBe('2026-01-02T03:04:05.000Z')
  })

  it('upgrades a version 2 database with an enrollment and reference data, and keeps them', async () => {
    const name = `test-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(1).stores({ meta: 'key' })
    old.version(2).stores({ enrollment: 'key', communes: 'id', commitments: 'id, covenantId' })
    await old.table('enrollment').put({ key: 'current', memberId: 'm1', token: 'secret' })
    await old.table('communes').put({ id: 'lung-cu', name: 'Lũng Cú' })
    await old.table('commitments').put({ id: 'visits', covenantId: 'cov', title: 'Đi cơ sở' })
    old.close()

    db = new AppDatabase(name)
    await db.open()
    expect(db.verno).toBe(7)
    expect(await db.enrollment.get('current')).toMatchObject({ memberId: 'm1', token: 'secret' })
    expect(await db.communes.get('lung-cu')).toMatchObject({ name: 'Lũng Cú' })
    // Pulled before commitments could be retired: they are not.
    expect(await db.commitments.get('visits')).toMatchObject({ title: 'Đi cơ sở', retiredAt: null })
    expect(await db.reports.count()).toBe(0)
  })

  it('upgrades a version 3 database with a full queue, and keeps every queued report and photo', async () => {
    const name = `test-${crypto.randomUUID()}`
    const old = new Dexie(name)
    old.version(1).stores({ meta: 'key' })
    old.version(2).stores({
      enrollment: 'key',
      blocs: 'id',
      units: 'id',
      members: 'id',
      communes: 'id',
      assignments: '[unitId+communeId+year], [unitId+year]',
      covenants: 'id',
      commitments: 'id, covenantId',
    })
    old.version(3).stores({ reports: 'id, updatedAt, [state+updatedAt], [communeId+updatedAt]', outbox: 'reportId, queuedAt', photos: 'id, reportId' })
    const ids = Array.from({ length: 30 }, () => crypto.randomUUID())
    await old.table('reports').bulkPut(
      ids.map((id, i) => ({
        id,
        state: i === 0 ? 'rejected' : 'queued',
        rejectedReason: i === 0 ? 'Thiếu ảnh' : null,
        updatedAt: `2026-11-2${i % 10}`,
        communeId: 'c',
        summary: `báo cáo ${i}`,
      })),
    )
    await old
      .table('outbox')
      .bulkPut(ids.slice(1).map((reportId, i) => ({ reportId, revision: 1, queuedAt: `2026-11-25T00:00:${String(i).padStart(2, '0')}Z`, attempts: 2, lastError: 'offline' })))
    await old.table('photos').put({ id: 'p1', reportId: ids[1], caption: 'Trao bò' })
    old.close()

    db = new AppDatabase(name)
    await db.open()
    expect(db.verno).toBe(7)
    expect(await db.reports.count()).toBe(30)
    expect(await db.outbox.count()).toBe(29)
    expect(await db.outbox.get(ids[1] ?? '')).toMatchObject({ kind: 'report', attempts: 2, lastError: 'offline', nextAttemptAt: null })
    expect(await db.reports.get(ids[0] ?? '')).toMatchObject({ state: 'rejected', rejection: { code: 'invalid', reason: 'Thiếu ảnh' }, receipt: null })
    expect(await db.reports.get(ids[0] ?? '')).not.toHaveProperty('rejectedReason')
    expect(await db.photos.get('p1')).toMatchObject({ caption: 'Trao bò' })
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
