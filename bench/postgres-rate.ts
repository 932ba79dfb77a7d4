import { randomUUID } from 'node:crypto'
import pg from 'pg'

/**
 * Raw PostgreSQL insert rate on the endpoint's own database: copies of a report it stored, with
 * its entries, under new ids, `perTransaction` reports per transaction, from `connections`
 * connections at once (PostgreSQL takes writers side by side, as the endpoint's pool gives
 * them), for `ms`. Each statement prepared once per connection.
 */
export async function postgresInsertRate(url: string, ms: number, perTransaction: number, connections: number): Promise<{ reportsPerSecond: number; entriesPerReport: number }> {
  const pool = new pg.Pool({ connectionString: url, max: connections })
  try {
    const columns = (
      await pool.query<{ name: string }>("select column_name as name from information_schema.columns where table_name = 'report' order by ordinal_position")
    ).rows.map((row) => row.name)
    const copied = columns.map((name) => (name === 'id' ? '$1' : name === 'receipt_number' ? '$2' : name)).join(', ')
    const report = `insert into report (${columns.join(', ')}) select ${copied} from report where id = $3`
    const entries =
      'insert into report_entry (report_id, commitment_id, status, amount, note) select $1, commitment_id, status, amount, note from report_entry where report_id = $2'
    // The newest: one the benchmark pushed, not a demo report of last year.
    const from = (await pool.query<{ id: string }>('select id from report order by committed_at desc limit 1')).rows[0]?.id
    if (!from) throw new Error('the endpoint stored no report to copy')
    const entriesPerReport = Number((await pool.query<{ n: string }>('select count(*) as n from report_entry where report_id = $1', [from])).rows[0]?.n ?? 0)
    let rows = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const client = await pool.connect()
        try {
          while (performance.now() - started < ms) {
            await client.query('begin')
            for (let i = 0; i < perTransaction; i++) {
              const id = randomUUID()
              await client.query({ name: 'copy-report', text: report, values: [id, `bench-${id}`, from] })
              await client.query({ name: 'copy-entries', text: entries, values: [id, from] })
            }
            await client.query('commit')
            rows += perTransaction
          }
        } finally {
          client.release()
        }
      }),
    )
    return { reportsPerSecond: rows / ((performance.now() - started) / 1000), entriesPerReport }
  } finally {
    await pool.end()
  }
}
