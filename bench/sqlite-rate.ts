import { randomUUID } from 'node:crypto'
import Database from 'better-sqlite3'

/**
 * Raw SQLite insert rate on the endpoint's own database file, with its connection settings
 * (server/db/sqlite.ts: WAL, synchronous=FULL, foreign keys): copies of a report it stored,
 * with its entries, under new ids, `perTransaction` reports per transaction, for `ms`.
 */
export function sqliteInsertRate(file: string, ms: number, perTransaction: number): { reportsPerSecond: number; entriesPerReport: number } {
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = FULL')
    db.pragma('foreign_keys = ON')
    const columns = (db.pragma('table_info(report)') as { name: string }[]).map((column) => column.name)
    const copied = columns.map((name) => (name === 'id' ? '@id' : name === 'receipt_number' ? '@receipt' : name)).join(', ')
    const report = db.prepare(`insert into report (${columns.join(', ')}) select ${copied} from report where id = @from`)
    const entries = db.prepare(
      'insert into report_entry (report_id, commitment_id, status, amount, note) select @id, commitment_id, status, amount, note from report_entry where report_id = @from',
    )
    const from = (db.prepare('select id from report limit 1').get() as { id: string } | undefined)?.id
    if (!from) throw new Error('the endpoint stored no report to copy')
    const entriesPerReport = (db.prepare('select count(*) as n from report_entry where report_id = ?').get(from) as { n: number }).n
    let rows = 0
    const batch = db.transaction(() => {
      for (let i = 0; i < perTransaction; i++) {
        const id = randomUUID()
        report.run({ id, receipt: `bench-${id}`, from })
        entries.run({ id, from })
        rows += 1
      }
    })
    const started = performance.now()
    while (performance.now() - started < ms) batch()
    return { reportsPerSecond: rows / ((performance.now() - started) / 1000), entriesPerReport }
  } finally {
    db.close()
  }
}
