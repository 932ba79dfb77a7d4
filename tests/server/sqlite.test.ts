import path from 'node:path'
import { Migrator, sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openSqlite } from '../../server/db/sqlite'
import { migrations } from '../../server/db/migrations'
import { tempDir } from './helper'

describe('the SQLite database', () => {
  it('is durable: WAL, full sync, foreign keys on', async () => {
    const db = openSqlite(path.join(tempDir(), 'nested', 'db.sqlite'))
    try {
      const pragma = async (name: string) => Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0]
      expect(await pragma('journal_mode')).toBe('wal')
      expect(await pragma('synchronous')).toBe(2)
      expect(await pragma('foreign_keys')).toBe(1)
    } finally {
      await db.destroy()
    }
  })

  it('applies migrations once, and again on restart changes nothing', async () => {
    const file = path.join(tempDir(), 'db.sqlite')
    const first = openSqlite(file)
    expect(await migrateToLatest(first)).toBe('0014-blocs')
    await first.insertInto('meta').values({ key: 'k', value: 'v' }).execute()
    await first.destroy()

    const again = openSqlite(file)
    try {
      expect(await migrateToLatest(again)).toBe('0014-blocs')
      const rows = await again.selectFrom('meta').select(['key', 'value']).execute()
      expect(rows).toEqual([{ key: 'k', value: 'v' }])
    } finally {
      await again.destroy()
    }
  })
})

describe('the migrations on an empty database', () => {
  it('create every table, with the revision counter at zero and no data', async () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'))
    try {
      await migrateToLatest(db)
      const tables = (await db.introspection.getTables()).map((table) => table.name).sort()
      expect(tables).toEqual(
        ['assignment', 'bloc', 'commitment', 'commune', 'covenant', 'device', 'enrollment_code', 'member', 'meta', 'revision', 'session', 'unit']
          .concat(['photo', 'photo_blob', 'receipt_sequence', 'report', 'report_entry'])
          .concat(['review', 'audit_log'])
          .concat(['evaluation', 'self_assessment', 'score', 'score_item', 'proposal', 'vote'])
          .concat(['exemplar', 'exemplar_photo', 'report_revision', 'removal'])
          .concat(['attempt', 'bloc_commune'])
          .sort(),
      )
      expect(await db.selectFrom('revision').select('value').executeTakeFirst()).toEqual({ value: 0 })
      expect(await db.selectFrom('member').selectAll().execute()).toEqual([])
    } finally {
      await db.destroy()
    }
  })

  it('refuse rows that break the schema’s rules', async () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'))
    try {
      await migrateToLatest(db)
      // No such unit: the foreign key stops it.
      await expect(
        db.insertInto('member').values({ id: 'm', unit_id: 'nowhere', name: 'A', role: 'cadre', title: '', username: null, password_hash: null, rev: 1 }).execute(),
      ).rejects.toThrow(/FOREIGN KEY/)
      await db.insertInto('bloc').values({ id: 'b', name: 'B', province: 'P', head_unit_id: null, deputy_unit_id: null, rev: 1 }).execute()
      await expect(
        db
          .insertInto('covenant')
          .values({ id: 'c', bloc_id: 'b', year: 2026, slogan: '', status: 'approved' as 'draft', signed_at: null, rev: 1 })
          .execute(),
      ).rejects.toThrow(/CHECK/)
    } finally {
      await db.destroy()
    }
  })
})

describe('the year-end migration', () => {
  it('lets a covenant be evaluated, keeps what a database held, and refuses other states', async () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'))
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '0005'))
      expect((await new Migrator({ db, provider: { getMigrations: () => Promise.resolve(before) } }).migrateToLatest()).error).toBeUndefined()
      await db.insertInto('bloc').values({ id: 'b', name: 'B', province: 'P', head_unit_id: null, deputy_unit_id: null, rev: 1 }).execute()
      await db.insertInto('covenant').values({ id: 'c', bloc_id: 'b', year: 2025, slogan: 'S', status: 'signed', signed_at: '2025-02-14', rev: 1 }).execute()
      await db
        .insertInto('commitment')
        .values({
          id: 'k',
          covenant_id: 'c',
          group_name: 'G',
          position: 1,
          title: 'T',
          description: '',
          measure: 'done',
          target: null,
          unit_label: '',
          max_points: 10,
          scope: 'unit',
          retired_at: null,
          rev: 1,
        })
        .execute()

      expect(await migrateToLatest(db)).toBe('0014-blocs')
      await db.updateTable('covenant').set({ status: 'evaluating' }).where('id', '=', 'c').execute()
      expect(await db.selectFrom('covenant').select(['status', 'signed_at']).executeTakeFirst()).toEqual({ status: 'evaluating', signed_at: '2025-02-14' })
      await expect(
        db
          .updateTable('covenant')
          .set({ status: 'approved' as 'draft' })
          .execute(),
      ).rejects.toThrow(/CHECK/)
      await expect(db.deleteFrom('covenant').execute()).rejects.toThrow(/FOREIGN KEY/)
      expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows).toEqual([{ integrity_check: 'ok' }])
      // The stored schema can be edited only while migrations run.
      await expect(sql`update sqlite_schema set sql = sql where name = 'covenant'`.execute(db)).rejects.toThrow()
    } finally {
      await db.destroy()
    }
  })

  it('makes what a one-bloc database held that bloc’s, and lets the province’s office in without a unit', async () => {
    const db = openSqlite(path.join(tempDir(), 'db.sqlite'))
    try {
      expect(await migrateToLatest(db, '0013-thumbnail-failures')).toBe('0013-thumbnail-failures')
      await db.insertInto('bloc').values({ id: 'b', name: 'B', province: 'P', head_unit_id: null, deputy_unit_id: null, rev: 1 }).execute()
      await db.insertInto('unit').values({ id: 'u', bloc_id: 'b', name: 'U', short_name: 'U', rev: 1 }).execute()
      await db.insertInto('commune').values({ id: 'c', name: 'C', district: 'D', province: 'P', rev: 1 }).execute()
      await db.insertInto('member').values({ id: 'a', unit_id: 'u', name: 'A', role: 'admin', title: '', username: 'admin', password_hash: null, rev: 1 }).execute()
      await sql`insert into audit_log (at, actor_id, unit_id, action, details) values ('2026-01-01T00:00:00.000Z', 'a', null, 'bloc.update', '{}')`.execute(db)

      expect(await migrateToLatest(db)).toBe('0014-blocs')
      expect(await db.selectFrom('bloc_commune').selectAll().execute()).toEqual([{ bloc_id: 'b', commune_id: 'c' }])
      expect(await db.selectFrom('audit_log').select('bloc_id').execute()).toEqual([{ bloc_id: 'b' }])
      await db.insertInto('member').values({ id: 'p', unit_id: null, name: 'Tỉnh', role: 'province', title: '', username: 'tinh', password_hash: null, rev: 2 }).execute()
      await expect(
        db
          .insertInto('member')
          .values({ id: 'x', unit_id: 'u', name: 'X', role: 'owner' as 'admin', title: '', username: null, password_hash: null, rev: 2 })
          .execute(),
      ).rejects.toThrow(/CHECK/)
      await expect(db.insertInto('bloc_commune').values({ bloc_id: 'nowhere', commune_id: 'c' }).execute()).rejects.toThrow(/FOREIGN KEY/)
      expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(db)).rows).toEqual([{ integrity_check: 'ok' }])
    } finally {
      await db.destroy()
    }
  })
})
