import path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { App } from '../../server/app'
import { migrateDatabase } from '../../server/db/database'
import { openPostgres } from '../../server/db/postgres'
import { openSqlite } from '../../server/db/sqlite'
import { SharedLimiter } from '../../server/services/failures'
import { uploadLocks } from '../../server/services/upload-locks'
import { buildTestApp, enrolledAs, onPostgres, tempDir, testDatabase } from './helper'

/**
 * Several endpoint processes on one database: what one counts against a limit, the others
 * see. Two apps on the same PostgreSQL database stand for two processes.
 */

const ADMIN_PASSWORD = 'mật khẩu của quản trị'

describe('counts kept in the database', () => {
  async function database() {
    const url = await testDatabase()
    const db = url ? openPostgres(url, 12) : openSqlite(path.join(tempDir(), 'limits.sqlite'))
    await migrateDatabase(db)
    return db
  }

  it('allow so many attempts in the window, forget them as it passes, and start afresh on a success', async () => {
    const db = await database()
    let now = 1_000_000
    const limit = new SharedLimiter(db, 'test', 3, 60_000, () => now)
    try {
      for (let i = 0; i < 3; i++) {
        expect(await limit.take('máy-1')).toBe(0)
        now += 1000
      }
      expect(await limit.take('máy-1')).toBe(57)
      expect(await limit.take('máy-2')).toBe(0)
      now += 57_000
      expect(await limit.take('máy-1')).toBe(0)
      await limit.succeed('máy-1')
      expect(await db.selectFrom('attempt').select('key').where('key', '=', 'máy-1').execute()).toEqual([])
    } finally {
      await db.destroy()
    }
  })

  it('let through no more than the limit of attempts sent all at once', async () => {
    const db = await database()
    const limit = new SharedLimiter(db, 'test', 5, 60_000)
    try {
      const waits = await Promise.all(Array.from({ length: 12 }, () => limit.take('máy-1')))
      expect(waits.filter((wait) => wait === 0)).toHaveLength(5)
    } finally {
      await db.destroy()
    }
  })
})

describe.skipIf(!onPostgres)('two endpoint processes on one PostgreSQL database', () => {
  async function twoProcesses(env: NodeJS.ProcessEnv = {}): Promise<[App, App]> {
    const DATABASE_URL = await testDatabase()
    const first = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: '127.0.0.1', DATABASE_URL, ...env })
    const second = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: '127.0.0.1', DATABASE_URL, ...env })
    return [first, second]
  }

  it('share the count of wrong passwords: a guesser moving between them is stopped as by one', async () => {
    const apps = await twoProcesses()
    const login = (app: App, password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': '203.0.113.9' }, payload: { username: 'admin', password } })
    for (let i = 0; i < 5; i++) expect((await login(apps[i % 2] as App, `đoán sai ${i}`)).statusCode).toBe(401)
    expect((await login(apps[0], ADMIN_PASSWORD)).statusCode).toBe(429)
    expect((await login(apps[1], ADMIN_PASSWORD)).statusCode).toBe(429)
  })

  it('share a phone’s requests per minute', async () => {
    const apps = await twoProcesses({ DEVICE_REQUESTS_PER_MINUTE: '4' })
    const headers = await enrolledAs(apps[0], 'Lý Thị Dua')
    const pull = (app: App) => app.inject({ method: 'GET', url: '/api/pull', headers })
    for (let i = 0; i < 4; i++) expect((await pull(apps[i % 2] as App)).statusCode).toBe(200)
    const refused = await pull(apps[1])
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
  })
})

describe.skipIf(!onPostgres)('upload locks on PostgreSQL', () => {
  it('keep a second process from writing to an upload another is writing, until that one lets go', async () => {
    const url = (await testDatabase()) ?? ''
    const [first, second] = [uploadLocks(url, 500), uploadLocks(url, 500)]
    const id = 'a3f1c2d4e5b60718293a4b5c6d7e8f90'
    const never = new AbortController().signal
    try {
      const held = first.locker.newLock(id)
      await held.lock(never, () => {})
      await expect(second.locker.newLock(id).lock(never, () => {})).rejects.toMatchObject({ status_code: 500, body: 'failed to acquire lock before timeout' })
      // Another upload is not held up.
      const other = second.locker.newLock('0'.repeat(32))
      await other.lock(never, () => {})
      await other.unlock()
      await held.unlock()
      const after = second.locker.newLock(id)
      await after.lock(never, () => {})
      await after.unlock()
    } finally {
      await first.close()
      await second.close()
    }
  })
})
