import { sql } from 'kysely'
import { dialectOf } from '../../server/db/database'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ProgressResponse } from '../../src/protocol'
import { fieldOf, pushOne, reportOf, type Field } from './field'
import { buildTestApp } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * A year of 100,000 reports, more than one SQL statement may carry as values (SQLite's 32,766):
 * the exports answer whole, not 500, and stream out a page at a time, and the progress page
 * reads the year a page at a time, so that a push sent while either is under way is answered
 * before it ends.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let admin: { authorization: string }
let field: Field
const COUNT = 100_000

/** `COUNT` copies of one pushed report with its entries, made in SQL: pushing them would take minutes. */
async function copiesOf(reportId: string): Promise<void> {
  const postgres = dialectOf(app.db) === 'postgres'
  const columns = async (table: string) =>
    (postgres
      ? await sql<{ name: string }>`select column_name as name from information_schema.columns where table_name = ${table} order by ordinal_position`.execute(app.db)
      : await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(app.db)
    ).rows.map((row) => row.name)
  const id = postgres ? `lpad(to_hex(n.i), 8, '0') || '-0000-4000-8000-000000000000'` : `printf('%08x-0000-4000-8000-000000000000', n.i)`
  const receipt = postgres ? `'99-' || lpad(n.i::text, 6, '0')` : `printf('99-%06d', n.i)`
  const report = (await columns('report')).map((name) => (name === 'id' ? id : name === 'receipt_number' ? receipt : name))
  const entry = (await columns('report_entry')).map((name) => (name === 'report_id' ? id : name))
  const numbers = `with recursive n(i) as (select 1 union all select i + 1 from n where i < ${COUNT})`
  await sql
    .raw(`${numbers} insert into report (${(await columns('report')).join(', ')}) select ${report.join(', ')} from report, n where report.id = '${reportId}'`)
    .execute(app.db)
  await sql
    .raw(
      `${numbers} insert into report_entry (${(await columns('report_entry')).join(', ')}) select ${entry.join(', ')} from report_entry, n where report_entry.report_id = '${reportId}'`,
    )
    .execute(app.db)
}

beforeAll(async () => {
  app = await buildTestApp({ ADMIN_PASSWORD })
  admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  field = await fieldOf(app)
  const template = reportOf(field)
  await pushOne(app, field, template)
  await copiesOf(template.id)
}, 120_000)

describe(`a year of ${COUNT.toLocaleString('en')} reports`, () => {
  it.each(['reports.csv', 'entries.csv'])(
    'exports %s whole',
    async (file) => {
      const response = await app.inject({ method: 'GET', url: `/api/export/${file}`, headers: admin })
      expect(response.statusCode, response.body.slice(0, 200)).toBe(200)
      // A heading, the pushed report and its copies (entries: one touched commitment each).
      expect(response.body.trimEnd().split('\r\n').length).toBeGreaterThanOrEqual(COUNT + 2)
    },
    120_000,
  )

  it('exports the workbook whole, built off the main thread', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/export/covenant.xlsx', headers: admin })
    expect(response.statusCode, response.body.slice(0, 200)).toBe(200)
    // A zip (xlsx) of the year: its reports and entries are megabytes.
    expect(response.rawPayload.subarray(0, 2).toString()).toBe('PK')
    expect(response.rawPayload.length).toBeGreaterThan(1_000_000)
  }, 180_000)

  it.each([
    ['an export of the year', '/api/export/reports.csv'],
    ['the progress page', '/api/progress'],
  ])(
    'answers a push sent while %s is under way, before it ends',
    async (_, url) => {
      const order: string[] = []
      const exported = app.inject({ method: 'GET', url, headers: admin }).then((response) => {
        order.push('read ended')
        return response
      })
      // The export has begun: its request is in, and it is reading the year.
      await new Promise((resolve) => setImmediate(resolve))
      const pushed = pushOne(app, field, reportOf(field)).then((result) => {
        order.push('push answered')
        return result
      })
      expect((await pushed).outcome).toBe('accepted')
      expect((await exported).statusCode).toBe(200)
      expect(order).toEqual(['push answered', 'read ended'])
    },
    120_000,
  )

  it('counts every report on the progress page', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/progress?unitId=${field.unitId}`, headers: admin })
    expect(response.statusCode).toBe(200)
    const [unit] = response.json<ProgressResponse>().units
    expect(Math.max(...(unit?.cells.map((cell) => cell.reports) ?? []))).toBeGreaterThan(COUNT)
  }, 120_000)
})
