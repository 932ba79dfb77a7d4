import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openSqlite } from '../../server/db/sqlite'
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
    expect(await migrateToLatest(first)).toBe('0004-dashboard')
    await first.insertInto('meta').values({ key: 'k', value: 'v' }).execute()
    await first.destroy()

    const again = openSqlite(file)
    try {
      expect(await migrateToLatest(again)).toBe('0004-dashboard')
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
