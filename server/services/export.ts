import { Readable } from 'node:stream'
import type { Kysely } from 'kysely'
import { Worker } from 'node:worker_threads'
import { ERROR_CODES, type ExportFile } from '../../src/protocol'
import type { Database } from '../db/schema'
import { exportMessages } from '../messages'
import { Refusal } from './errors'
import { audit } from './audit'
import { reportRows as joinedReports } from './evidence'
import { covenantFor, progressMatrix } from './progress'
import { scopedUnit, type Manager } from './scope'

/**
 * A year's reports, their entries and the progress matrix, for Excel: CSV (UTF-8 with a BOM,
 * so Excel reads the Vietnamese right) and one XLSX workbook with a sheet of each. Headings
 * and values are in Vietnamese (`messages.ts`), as the bloc files them.
 */

type Value = string | number | null
export interface Column {
  header: string
  type: 'text' | 'number' | 'date' | 'percent'
  width: number
}
export interface Table {
  sheet: string
  columns: Column[]
  rows: Value[][]
}

const { sheets, headings: h, entryStatus, review, pace } = exportMessages

export const text = (header: string, width = 20): Column => ({ header, type: 'text', width })
export const number = (header: string, width = 12): Column => ({ header, type: 'number', width })
const day = (header: string): Column => ({ header, type: 'date', width: 12 })

/** The demo column's value: what `npm start` seeded never passes for real in a file. */
export const demoMark = (demo: boolean): string => (demo ? exportMessages.demo : '')

/** The units the demo seeded, for the demo column of a sheet by unit. */
export async function demoUnitIds(db: Kysely<Database>): Promise<Set<string>> {
  return new Set((await db.selectFrom('unit').select('id').where('demo', '=', 1).execute()).map((row) => row.id))
}

/** What an export is of: the covenant's reports, of one unit or all, up to a day. */
interface Scope {
  covenantId: string
  unitId: string | null
  asOf: string | undefined
}

/** Reports read at a time: small enough that a push waiting behind a page is answered at once. */
const PAGE = 1000

/** One page of the reports in scope, joined with their unit, commune and author, after `after` in the sheet's order. */
async function reportPage(db: Kysely<Database>, scope: Scope, after: { visitDate: string; receipt: string } | null) {
  let reports = joinedReports(db).where('report.covenant_id', '=', scope.covenantId)
  if (scope.unitId) reports = reports.where('report.unit_id', '=', scope.unitId)
  if (scope.asOf) reports = reports.where('report.visit_date', '<=', scope.asOf)
  if (after) {
    reports = reports.where((eb) =>
      eb.or([eb('report.visit_date', '>', after.visitDate), eb.and([eb('report.visit_date', '=', after.visitDate), eb('report.receipt_number', '>', after.receipt)])]),
    )
  }
  return reports
    .selectAll('report')
    .select(['unit.name as unit_name', 'commune.name as commune_name', 'commune.district', 'member.name as author_name', 'member.demo as author_demo'])
    .select((eb) => [
      eb
        .selectFrom('photo')
        .select((inner) => inner.fn.countAll<number>().as('n'))
        .whereRef('photo.report_id', '=', 'report.id')
        .where('photo.removed_at', 'is', null)
        .as('photos'),
      eb
        .selectFrom('photo')
        .select((inner) => inner.fn.count<number>('photo.received_at').as('n'))
        .whereRef('photo.report_id', '=', 'report.id')
        .where('photo.removed_at', 'is', null)
        .as('photos_received'),
      eb.selectFrom('review').select('review.status').whereRef('review.report_id', '=', 'report.id').orderBy('review.rev', 'desc').limit(1).as('review_status'),
      eb.selectFrom('review').select('review.comment').whereRef('review.report_id', '=', 'report.id').orderBy('review.rev', 'desc').limit(1).as('review_comment'),
    ])
    .orderBy('report.visit_date')
    .orderBy('report.receipt_number')
    .limit(PAGE)
    .execute()
}
type JoinedReport = Awaited<ReturnType<typeof reportPage>>[number]

/**
 * The reports in scope, a page at a time in the sheet's order (visit day, then receipt number).
 * The event loop is given back between pages: a year of a hundred thousand reports is read
 * while pushes go on being answered.
 */
async function* reportPages(db: Kysely<Database>, scope: Scope): AsyncGenerator<JoinedReport[]> {
  let after: { visitDate: string; receipt: string } | null = null
  for (;;) {
    const page = await reportPage(db, scope, after)
    if (page.length) yield page
    const last = page.at(-1)
    if (!last || page.length < PAGE) return
    after = { visitDate: last.visit_date, receipt: last.receipt_number }
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/** The entries of a page of reports, in the page's order, then each report's commitments in order. */
async function entriesOf(db: Kysely<Database>, covenantId: string, reports: JoinedReport[]) {
  const order = new Map(reports.map((report, index) => [report.id, index]))
  const rows = await db
    .selectFrom('report_entry')
    .innerJoin('commitment', 'commitment.id', 'report_entry.commitment_id')
    .select(['report_entry.report_id', 'report_entry.status', 'report_entry.amount', 'report_entry.note', 'commitment.position', 'commitment.title', 'commitment.unit_label'])
    .where('commitment.covenant_id', '=', covenantId)
    .where(
      'report_entry.report_id',
      'in',
      reports.map((report) => report.id),
    )
    .execute()
  return rows.sort((a, b) => (order.get(a.report_id) ?? 0) - (order.get(b.report_id) ?? 0) || a.position - b.position)
}

const REPORT_COLUMNS: Column[] = [
  text(h.receipt, 12),
  text(h.unit, 26),
  text(h.commune, 16),
  text(h.district, 14),
  text(h.author, 20),
  day(h.visitDate),
  text(h.visitTime, 6),
  text(h.summary, 50),
  number(h.latitude),
  number(h.longitude),
  number(h.accuracy),
  number(h.photos, 8),
  number(h.photosReceived, 10),
  number(h.revision, 8),
  text(h.committedAt, 22),
  text(h.review, 14),
  text(h.comment, 40),
  text(h.demo, 12),
]

const reportValues = (row: JoinedReport): Value[] => [
  row.receipt_number,
  row.unit_name,
  row.commune_name,
  row.district,
  row.author_name,
  row.visit_date,
  row.visit_time,
  row.summary,
  row.latitude,
  row.longitude,
  row.accuracy,
  row.photos ?? 0,
  row.photos_received ?? 0,
  row.revision,
  row.committed_at.slice(0, 19).replace('T', ' '),
  row.review_status ? review[row.review_status] : '',
  row.review_comment ?? '',
  demoMark(row.author_demo === 1),
]

const ENTRY_COLUMNS: Column[] = [
  text(h.receipt, 12),
  text(h.unit, 26),
  text(h.commune, 16),
  day(h.visitDate),
  number(h.order, 6),
  text(h.commitment, 50),
  text(h.status, 16),
  number(h.amount, 10),
  text(h.unitLabel, 10),
  text(h.note, 40),
  text(h.demo, 12),
]

/** Each page of the reports in scope as rows of the reports sheet, or of the entries sheet. */
async function* sheetPages(db: Kysely<Database>, scope: Scope, sheet: 'reports' | 'entries'): AsyncGenerator<Value[][]> {
  for await (const page of reportPages(db, scope)) {
    if (sheet === 'reports') {
      yield page.map(reportValues)
      continue
    }
    const byId = new Map(page.map((report) => [report.id, report]))
    yield (await entriesOf(db, scope.covenantId, page)).map((entry) => {
      const report = byId.get(entry.report_id)
      return [
        report?.receipt_number ?? '',
        report?.unit_name ?? '',
        report?.commune_name ?? '',
        report?.visit_date ?? null,
        entry.position,
        entry.title,
        entryStatus[entry.status],
        entry.amount,
        entry.unit_label,
        entry.note,
        demoMark(report?.author_demo === 1),
      ]
    })
  }
}

async function progressTable(db: Kysely<Database>, manager: Manager, year: number, scope: Scope): Promise<Table> {
  const matrix = await progressMatrix(db, manager, { year, ...(scope.unitId && { unitId: scope.unitId }), ...(scope.asOf && { asOf: scope.asOf }) })
  const demoUnits = await demoUnitIds(db)
  return {
    sheet: sheets.progress,
    columns: [
      text(h.unit, 26),
      number(h.order, 6),
      text(h.group, 22),
      text(h.commitment, 50),
      number(h.target, 10),
      text(h.unitLabel, 10),
      number(h.done, 12),
      { header: h.ratio, type: 'percent', width: 10 },
      number(h.reports, 10),
      text(h.pace, 16),
      number(h.maxPoints, 10),
      text(h.demo, 12),
    ],
    rows: matrix.units.flatMap((unit) =>
      matrix.commitments.map((item, index) => {
        const cell = unit.cells[index]
        const amount = item.measure === 'done' ? (cell?.done ? 1 : 0) : (cell?.amount ?? 0)
        return [
          unit.unit.name,
          item.order,
          item.group,
          item.title + (item.retiredAt ? exportMessages.retired : ''),
          cell?.target ?? null,
          item.unitLabel,
          amount,
          cell?.ratio ?? null,
          cell?.reports ?? 0,
          cell ? pace[cell.pace] : '',
          item.maxPoints,
          demoMark(demoUnits.has(unit.unit.id)),
        ]
      }),
    ),
  }
}

async function allRows(pages: AsyncIterable<Value[][]>): Promise<Value[][]> {
  const rows: Value[][] = []
  for await (const page of pages) rows.push(...page)
  return rows
}

/** `dd/MM/yyyy`, as a Vietnamese reader writes a day. */
const vietnameseDay = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

/** A CSV file, a page of rows at a time: UTF-8 with a BOM, so that Excel reads the Vietnamese right. */
async function* csvChunks(columns: Column[], pages: AsyncIterable<Value[][]> | Iterable<Value[][]>): AsyncGenerator<Buffer> {
  // Text a spreadsheet would take for a formula (=, +, -, @) is written as text, behind an apostrophe.
  const quote = (raw: string) => {
    const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
  }
  const cell = (value: Value, column: Column | undefined) => {
    if (value === null) return ''
    if (column?.type === 'date' && typeof value === 'string') return vietnameseDay(value)
    if (typeof value === 'number') return String(column?.type === 'percent' ? Math.round(value * 1000) / 10 : value)
    return quote(value)
  }
  const line = (cells: string[]) => `${cells.join(',')}\r\n`
  yield Buffer.concat([
    Buffer.from([0xef, 0xbb, 0xbf]),
    Buffer.from(line(columns.map((column) => quote(column.type === 'percent' ? `${column.header} (%)` : column.header))), 'utf8'),
  ])
  for await (const rows of pages) yield Buffer.from(rows.map((row) => line(row.map((value, index) => cell(value, columns[index])))).join(''), 'utf8')
}

/**
 * An Excel workbook of these sheets, built in a worker thread: the library holds a whole
 * workbook in memory and cannot stream, and a year's takes seconds that the endpoint's pushes
 * must not wait for.
 */
export function xlsxOf(sheets: Table[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./xlsx-worker.mjs', import.meta.url), { workerData: { sheets } })
    worker.once('message', ({ bytes, error }: { bytes?: Uint8Array; error?: string }) => {
      if (bytes) resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
      else reject(new Error(`the workbook could not be built: ${error ?? 'unknown'}`))
      void worker.terminate()
    })
    worker.once('error', reject)
  })
}

export const EXPORT_TYPES: Record<ExportFile, string> = {
  'reports.csv': 'text/csv; charset=utf-8',
  'entries.csv': 'text/csv; charset=utf-8',
  'progress.csv': 'text/csv; charset=utf-8',
  'covenant.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/**
 * `GET /api/export/:file`: the file and the name to save it under; the export is audited. The
 * reports and their entries stream out a page at a time; the workbook, whose library cannot
 * stream, is built whole.
 */
export async function exportFile(
  db: Kysely<Database>,
  manager: Manager,
  file: ExportFile,
  query: { year?: number; unitId?: string; asOf?: string },
): Promise<{ body: Buffer | Readable; name: string }> {
  const unitId = await scopedUnit(db, manager, query.unitId)
  const covenant = await covenantFor(db, manager.blocId, query.year)
  if (!covenant) throw new Refusal(404, ERROR_CODES.notFound, `No covenant for ${query.year ?? 'this year'}`)
  const scope: Scope = { covenantId: covenant.id, unitId, asOf: query.asOf }
  const { year } = covenant
  // An export changes nothing: its entry is the only write of its transaction.
  await db.transaction().execute((trx) => audit(trx, manager, 'export', unitId, { file, year, ...(query.asOf && { asOf: query.asOf }) }))
  const name = `giao-uoc-${year}${query.asOf ? `-den-${query.asOf}` : ''}-${file}`
  switch (file) {
    case 'reports.csv':
      return { body: Readable.from(csvChunks(REPORT_COLUMNS, sheetPages(db, scope, 'reports'))), name }
    case 'entries.csv':
      return { body: Readable.from(csvChunks(ENTRY_COLUMNS, sheetPages(db, scope, 'entries'))), name }
    case 'progress.csv': {
      const progress = await progressTable(db, manager, year, scope)
      return { body: Readable.from(csvChunks(progress.columns, [progress.rows])), name }
    }
    case 'covenant.xlsx': {
      const reports: Table = { sheet: sheets.reports, columns: REPORT_COLUMNS, rows: await allRows(sheetPages(db, scope, 'reports')) }
      const entries: Table = { sheet: sheets.entries, columns: ENTRY_COLUMNS, rows: await allRows(sheetPages(db, scope, 'entries')) }
      return { body: await xlsxOf([reports, entries, await progressTable(db, manager, year, scope)]), name }
    }
  }
}
