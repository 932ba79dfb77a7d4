import type { Kysely } from 'kysely'
import writeExcelFile from 'write-excel-file/node'
import type { Member } from '../../src/domain'
import { ERROR_CODES, type ExportFile } from '../../src/protocol'
import type { Database } from '../db/schema'
import { exportMessages } from '../messages'
import { Refusal } from './errors'
import { audit } from './audit'
import { reportRows as joinedReports } from './evidence'
import { covenantFor, progressMatrix } from './progress'
import { scopedUnit } from './scope'

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

async function tables(
  db: Kysely<Database>,
  manager: Member,
  year: number | undefined,
  unitId: string | undefined,
  asOf: string | undefined,
): Promise<{ year: number; tables: Record<'reports' | 'entries' | 'progress', Table> }> {
  const scope = scopedUnit(manager, unitId)
  const covenant = await covenantFor(db, year)
  if (!covenant) throw new Refusal(404, ERROR_CODES.notFound, `No covenant for ${year ?? 'this year'}`)
  let reports = joinedReports(db).where('report.covenant_id', '=', covenant.id)
  if (scope) reports = reports.where('report.unit_id', '=', scope)
  if (asOf) reports = reports.where('report.visit_date', '<=', asOf)
  const reportRows = await reports
    .selectAll('report')
    .select(['unit.name as unit_name', 'commune.name as commune_name', 'commune.district', 'member.name as author_name'])
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
    .execute()
  const byId = new Map(reportRows.map((row) => [row.id, row]))
  // The entries of the same reports, found by the same conditions rather than by listing their
  // ids: a year's ids outnumber what one SQL statement may carry.
  let entries = db
    .selectFrom('report_entry')
    .innerJoin('commitment', 'commitment.id', 'report_entry.commitment_id')
    .innerJoin('report', 'report.id', 'report_entry.report_id')
    .select(['report_entry.report_id', 'report_entry.status', 'report_entry.amount', 'report_entry.note', 'commitment.position', 'commitment.title', 'commitment.unit_label'])
    .where('commitment.covenant_id', '=', covenant.id)
    .where('report.covenant_id', '=', covenant.id)
  if (scope) entries = entries.where('report.unit_id', '=', scope)
  if (asOf) entries = entries.where('report.visit_date', '<=', asOf)
  const entryRows = await entries
    // The reports in the order of their own sheet, so that both read side by side.
    .orderBy('report.visit_date')
    .orderBy('report.receipt_number')
    .orderBy('commitment.position')
    .execute()
  const matrix = await progressMatrix(db, manager, { year: covenant.year, ...(scope && { unitId: scope }), ...(asOf && { asOf }) })

  return {
    year: covenant.year,
    tables: {
      reports: {
        sheet: sheets.reports,
        columns: [
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
        ],
        rows: reportRows.map((row) => [
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
        ]),
      },
      entries: {
        sheet: sheets.entries,
        columns: [
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
        ],
        rows: entryRows.map((entry) => {
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
          ]
        }),
      },
      progress: {
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
            ]
          }),
        ),
      },
    },
  }
}

/** `dd/MM/yyyy`, as a Vietnamese reader writes a day. */
const vietnameseDay = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`

function csvOf(table: Table): Buffer {
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
  const lines = [
    table.columns.map((column) => quote(column.type === 'percent' ? `${column.header} (%)` : column.header)),
    ...table.rows.map((row) => row.map((value, index) => cell(value, table.columns[index]))),
  ]
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.map((line) => line.join(',')).join('\r\n')}\r\n`, 'utf8')])
}

export async function xlsxOf(sheets: Table[]): Promise<Buffer> {
  const data = sheets.map((table) => ({
    sheet: table.sheet,
    columns: table.columns.map((column) => ({ width: column.width })),
    stickyRowsCount: 1,
    data: [
      table.columns.map((column) => ({ value: column.header, fontWeight: 'bold' as const })),
      ...table.rows.map((row) =>
        row.map((value, index) => {
          const column = table.columns[index]
          if (value === null) return null
          if (column?.type === 'date' && typeof value === 'string') return { value: new Date(`${value}T00:00:00Z`), type: Date, format: 'dd/mm/yyyy' }
          if (column?.type === 'percent' && typeof value === 'number') return { value, type: Number, format: '0.0%' }
          if (typeof value === 'number') return { value, type: Number }
          return { value, type: String }
        }),
      ),
    ],
  }))
  return writeExcelFile(data).toBuffer()
}

export const EXPORT_TYPES: Record<ExportFile, string> = {
  'reports.csv': 'text/csv; charset=utf-8',
  'entries.csv': 'text/csv; charset=utf-8',
  'progress.csv': 'text/csv; charset=utf-8',
  'covenant.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** `GET /api/export/:file`: the file's bytes and the name to save it under; the export is audited. */
export async function exportFile(
  db: Kysely<Database>,
  manager: Member,
  file: ExportFile,
  query: { year?: number; unitId?: string; asOf?: string },
): Promise<{ bytes: Buffer; name: string }> {
  const { year, tables: all } = await tables(db, manager, query.year, query.unitId, query.asOf)
  const bytes = file === 'covenant.xlsx' ? await xlsxOf([all.reports, all.entries, all.progress]) : csvOf(all[file.replace('.csv', '') as 'reports' | 'entries' | 'progress'])
  // An export changes nothing: its entry is the only write of its transaction.
  await db.transaction().execute((trx) => audit(trx, manager, 'export', scopedUnit(manager, query.unitId), { file, year, ...(query.asOf && { asOf: query.asOf }) }))
  return { bytes, name: `giao-uoc-${year}${query.asOf ? `-den-${query.asOf}` : ''}-${file}` }
}
