import path from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { migrateToLatest, openSqlite } from '../../server/db/sqlite'
import { tempDir } from './helper'

describe('the SQLite database', () => {
  it('is durable: WAL, full sync, foreign keys on', async () => {
    const db = openSqlite(path.join(tempDir(), 'nested', 'db.sqlite'))
    try {
      const pragma = async (name: string) =>
        Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db)).rows[0] ?? {})[0]
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
    expect(await migrateToLatest(first)).toBe('0001-meta')
    await first.insertInto('meta').values({ key: 'k', value: 'v' }).execute()
    await first.destroy()

    const again = openSqlite(file)
    try {
      expect(await migrateToLatest(again)).toBe('0001-meta')
      const rows = await again.selectFrom('meta').select(['key', 'value']).execute()
      expect(rows).toEqual([{ key: 'k', value: 'v' }])
    } finally {
      await again.destroy()
    }
  })
})
