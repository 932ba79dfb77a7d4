import { sql } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import { fieldOf, pushOne, reportOf } from './field'
import { buildTestApp } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * A year with more reports than one SQL statement may carry as values (33,000, past SQLite's
 * 32,766): the exports answer whole, not 500.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let admin: { authorization: string }
const COUNT = 33_000

/** `COUNT` copies of one pushed report with its entries, made in SQL: pushing them would take minutes. */
async function copiesOf(reportId: string): Promise<void> {
  const columns = async (table: string) => (await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(app.db)).rows.map((row) => row.name)
  const id = `printf('%08x-0000-4000-8000-000000000000', n.i)`
  const report = (await columns('report')).map((name) => (name === 'id' ? id : name === 'receipt_number' ? `printf('99-%06d', n.i)` : name))
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
  const field = await fieldOf(app)
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
})
