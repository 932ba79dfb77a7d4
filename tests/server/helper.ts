import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeEach, expect } from 'vitest'
import { buildApp, type App } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createEnrollmentCode } from '../../server/services/enrollment'
import { databaseUrl, TEMPLATE } from './postgres-template'
import { dialectOf } from '../../server/db/database'
import type { Db } from '../../server/db/schema'

type Cleanup = () => Promise<void> | void
const cleanups: Cleanup[] = []
const fileCleanups: Cleanup[] = []
// Set from a test's first `beforeEach` to its last `afterEach`: a `beforeAll` of a later `describe` runs outside.
let inTest = false

beforeEach(() => {
  inTest = true
})
afterEach(async () => {
  inTest = false
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(async () => {
  for (const cleanup of fileCleanups.splice(0).reverse()) await cleanup()
  await admin?.end()
  admin = undefined
})

/** Undo after the test that made it, or after the file for what a `beforeAll` made for every test. */
function later(cleanup: Cleanup): void {
  ;(inTest ? cleanups : fileCleanups).push(cleanup)
}

/** A fresh folder under the system's temp dir, removed after the test (or the file). */
export function tempDir(prefix = 'giao-uoc-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  later(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Files of a small built app: a page, a hashed asset, the worker and the manifest. */
export function fakeBuiltApp(): string {
  const dir = tempDir('giao-uoc-dist-')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Giao Ước</title><div id="app"></div>')
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log("app")')
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Giao Ước"}')
  return dir
}

/** The endpoint tests run on PostgreSQL (`npm run test:server:pg`), not the SQLite file. */
export const onPostgres = Boolean(process.env.TEST_DATABASE_URL)

let admin: pg.Client | undefined
let databases = 0

/**
 * With TEST_DATABASE_URL, a PostgreSQL database of the test's own, copied from the migrated
 * template (or `empty`, not migrated) and dropped after the test (or the file); without it,
 * none (the SQLite file).
 */
export async function testDatabase({ empty = false } = {}): Promise<string | undefined> {
  const base = process.env.TEST_DATABASE_URL
  if (!base) return undefined
  if (!admin) {
    admin = new pg.Client({ connectionString: base })
    await admin.connect()
  }
  const client = admin
  const name = `giao_uoc_test_${process.pid}_${++databases}`
  await client.query(empty ? `create database ${name}` : `create database ${name} template ${TEMPLATE}`)
  later(() => client.query(`drop database if exists ${name} with (force)`).then(() => undefined))
  return databaseUrl(base, name)
}

/** The endpoint in-process, on a real SQLite file in a temp folder (or PostgreSQL: `testDatabase`), closed after the test (or the file). */
export async function buildTestApp(env: NodeJS.ProcessEnv = {}): Promise<App> {
  // Without last year's demo reports unless a test asks: most count what they pushed themselves.
  const config = loadConfig({
    DATA_DIR: tempDir(),
    APP_DIR: fakeBuiltApp(),
    SEED_DEMO_LAST_YEAR: 'false',
    SEED_DEMO_THIS_YEAR: 'false',
    UNIT_FIGURES_MAX_AGE_MS: '0',
    ...env,
    DATABASE_URL: env.DATABASE_URL ?? (await testDatabase()),
  })
  const app = await buildApp(config, { logStream: false })
  later(() => app.close())
  return app
}

/** The endpoint on a real port, for real HTTP (tus, the app's own client): answers its address. */
export async function listening(app: App): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  return `http://127.0.0.1:${address.port}`
}

/** Enroll a phone for the named member; answers its Authorization header. */
export async function enrolledAs(app: App, name: string): Promise<{ authorization: string }> {
  const member = await app.db.selectFrom('member').select('id').where('name', '=', name).executeTakeFirstOrThrow()
  const { code } = await createEnrollmentCode(app.db, 'endpoint', member.id, { publicUrl: '' })
  const response = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy thử' } })
  return { authorization: `Bearer ${response.json<{ deviceToken: string }>().deviceToken}` }
}

/** Make the database refuse a row inserted into `table` when `condition` (SQL on `new`) holds: a write that fails part way through a transaction. */
export async function refuseInserts(db: Db, table: string, condition = 'true'): Promise<void> {
  const name = `refuse_${table}`
  if (dialectOf(db) === 'postgres') {
    await sql
      .raw(`create function ${name}() returns trigger language plpgsql as $$ begin if ${condition} then raise exception '${table} refused'; end if; return new; end $$`)
      .execute(db)
    await sql.raw(`create trigger ${name} before insert on ${table} for each row execute function ${name}()`).execute(db)
  } else {
    await sql.raw(`create trigger ${name} before insert on ${table} when ${condition} begin select raise(abort, '${table} refused'); end`).execute(db)
  }
}

/**
 * The cursor a pull answers when the last change it knows of was stamped `rev` (or, with nothing
 * new, when it was given `rev`): that on SQLite; on PostgreSQL one not below it, since the cursor
 * follows transaction ids, which every write moves on.
 */
export const cursorAt = (app: App, cursor: number) => (dialectOf(app.db) === 'postgres' ? expect.toSatisfy((next: number) => next >= cursor) : cursor)

/** The endpoint's first bloc, the one `admin` runs: the demo's Party-building boards. */
export async function firstBlocOf(app: App): Promise<string> {
  const row = await app.db
    .selectFrom('member')
    .innerJoin('unit', 'unit.id', 'member.unit_id')
    .select('unit.bloc_id')
    .where('member.username', '=', 'admin')
    .executeTakeFirstOrThrow()
  return row.bloc_id
}
