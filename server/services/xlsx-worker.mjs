// An Excel workbook built off the endpoint's main thread: `{ sheets }` in (as `Table`s of
// `export.ts`), `{ bytes }` or `{ error }` out, once; the worker then ends. Plain JavaScript, so
// that the worker starts without a TypeScript loader (Node 20 workers do not inherit one).
import { parentPort, workerData } from 'node:worker_threads'
import writeExcelFile from 'write-excel-file/node'

/**
 * A cell as write-excel-file wants it: days as dates, percentages and numbers as numbers, the
 * rest as text.
 * @param {string | number | null} value
 * @param {{ type: string } | undefined} column
 */
function cellOf(value, column) {
  if (value === null) return null
  if (column?.type === 'date' && typeof value === 'string') return { value: new Date(`${value}T00:00:00Z`), type: Date, format: 'dd/mm/yyyy' }
  if (column?.type === 'percent' && typeof value === 'number') return { value, type: Number, format: '0.0%' }
  if (typeof value === 'number') return { value, type: Number }
  return { value, type: String }
}

/** @param {{ sheet: string, columns: { header: string, type: string, width: number }[], rows: (string | number | null)[][] }[]} sheets */
export async function workbookOf(sheets) {
  const data = sheets.map((table) => ({
    sheet: table.sheet,
    columns: table.columns.map((column) => ({ width: column.width })),
    stickyRowsCount: 1,
    data: [
      table.columns.map((column) => ({ value: column.header, fontWeight: /** @type {const} */ ('bold') })),
      ...table.rows.map((row) => row.map((value, index) => cellOf(value, table.columns[index]))),
    ],
  }))
  return writeExcelFile(data).toBuffer()
}

if (parentPort && workerData?.sheets) {
  try {
    const bytes = await workbookOf(workerData.sheets)
    parentPort.postMessage({ bytes })
  } catch (error) {
    parentPort.postMessage({ error: error instanceof Error ? error.message : String(error) })
  }
}
