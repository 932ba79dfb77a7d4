import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { CovenantDetail, PushResult } from '../../src/protocol'
import { openPostgres } from '../../server/db/postgres'
import { openSqlite } from '../../server/db/sqlite'
import { blobPath } from '../../server/services/photo-store'
import { TABLES } from '../../server/services/move'
import { fieldOf, pushOne, reportOf, sha256Of } from './field'
import { buildTestApp, onPostgres, testDatabase } from './helper'
import { testBloc, type TestBloc } from './managers'

/**
 * `npm run move-to-postgres`: a SQLite deployment with a year of reports, reviews, scores and
 * photos, moved; every row of every table and every photo the same after, read back here on
 * both sides, and the endpoint going on from there on PostgreSQL.
 */

const run = promisify(execFile)

/** A bloc on SQLite with a report reviewed and a unit's self-assessment scored, besides last year's demo reports. */
async function blocWithAYear(): Promise<TestBloc> {
  const bloc = await testBloc({ DATABASE_URL: '', SEED_DEMO_LAST_YEAR: 'true' })
  const { own, admin, app } = bloc
  const review = await app.inject({ method: 'POST', url: `/api/reports/${own.report.id}/reviews`, headers: own.lead, payload: { status: 'accepted', comment: 'Đạt', revision: 1 } })
  expect(review.statusCode, review.body).toBe(201)
  const covenantId = own.field.covenant.id
  const { commitments } = (await app.inject({ method: 'GET', url: `/api/covenants/${covenantId}`, headers: admin })).json<CovenantDetail>()
  expect((await app.inject({ method: 'POST', url: `/api/covenants/${covenantId}/status`, headers: admin, payload: { status: 'evaluating' } })).statusCode).toBe(200)
  const scores = commitments.map((item) => ({ commitmentId: item.id, points: item.maxPoints / 2, note: 'Theo báo cáo', evidence: { reportIds: [], photoIds: [] } }))
  const sheet = await app.inject({ method: 'PUT', url: `/api/covenants/${covenantId}/evaluation/units/${own.unitId}/self`, headers: own.lead, payload: { scores, items: [] } })
  expect(sheet.statusCode, sheet.body).toBe(200)
  return bloc
}

/** Every row of every table, each table's rows in one order. */
async function everything(db: ReturnType<typeof openSqlite>): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {}
  for (const table of TABLES) {
    const rows = await db.selectFrom(table).selectAll().execute()
    tables[table] = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))).sort()
  }
  return tables
}

const move = (dataDir: string, url: string) => run(process.execPath, ['--import', 'tsx', 'server/move-cli.ts'], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: url } })

describe.skipIf(!onPostgres)('moving a SQLite deployment to PostgreSQL', () => {
  it('copies every row and photo, equal after, and the endpoint goes on from there', async () => {
    const bloc = await blocWithAYear()
    await bloc.app.close()
    const url = (await testDatabase({ empty: true })) ?? ''

    const { stdout } = await move(bloc.dataDir, url)
    expect(stdout).toMatch(/Moved .* into PostgreSQL and checked it: \d+ reports, 1 reviews, \d+ scores, \d+ photos/)

    const source = openSqlite(path.join(bloc.dataDir, 'giao-uoc.sqlite'))
    const target = openPostgres(url, 1)
    // The move names every table the database has: a table added later is not left behind.
    const names = (await source.introspection.getTables()).map((table) => table.name)
    expect([...TABLES].sort()).toEqual(names.sort())
    try {
      const [before, after] = [await everything(source), await everything(target)]
      expect(after).toEqual(before)
      for (const table of ['report', 'review', 'score', 'photo', 'photo_blob', 'audit_log', 'device'] as const) expect(before[table]?.length, table).toBeGreaterThan(0)
      expect(before.report?.length).toBeGreaterThan(100)
      for (const { sha256 } of await target.selectFrom('photo_blob').select('sha256').execute())
        expect(sha256Of(fs.readFileSync(blobPath(path.join(bloc.dataDir, 'photos'), sha256)))).toBe(sha256)
    } finally {
      await source.destroy()
      await target.destroy()
    }

    // The endpoint on PostgreSQL: the phone keeps its token, sees no change it has not seen, and its next receipt follows the moved ones.
    const app = await buildTestApp({ DATA_DIR: bloc.dataDir, DATABASE_URL: url, ADMIN_PASSWORD: 'mật khẩu cũ không dùng' })
    const field = bloc.own.field
    const pulled = await app.inject({ method: 'GET', url: '/api/pull', headers: field.headers })
    expect(pulled.statusCode).toBe(200)
    const result: PushResult = await pushOne(app, field, reportOf(field))
    expect(result.outcome).toBe('accepted')
    const highest = await app.db
      .selectFrom('report')
      .select('receipt_number')
      .where('covenant_id', '=', field.covenant.id)
      .orderBy('receipt_number', 'desc')
      .executeTakeFirstOrThrow()
    expect(result.outcome === 'accepted' && result.receipt.number).toBe(highest.receipt_number)
    expect((await fieldOf(app, 'Vàng Thị Mai')).communes.length).toBeGreaterThan(0)
  }, 120_000)

  it('refuses a database that already holds data, and moves nothing into it', async () => {
    const bloc = await testBloc({ DATABASE_URL: '' })
    await bloc.app.close()
    const url = (await testDatabase()) ?? ''
    const running = await buildTestApp({ DATABASE_URL: url })
    const members = await running.db.selectFrom('member').select('id').execute()
    const failed = await move(bloc.dataDir, url).then(
      () => null,
      (error: { stderr: string }) => error.stderr,
    )
    expect(failed).toContain('already holds data')
    expect(await running.db.selectFrom('member').select('id').execute()).toEqual(members)
  }, 60_000)
})
