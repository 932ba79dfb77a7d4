import { createHash } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import { dialectOf } from '../db/database'
import type { Database } from '../db/schema'

/** What makes a push idempotent and its proof readable: the content's hash, and the year's receipt numbers. */

/** JSON with the keys of every object sorted: the same report hashes the same whatever order its fields came in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** A hash of what the phone sent: the same report or proposal sent again hashes the same. */
export const contentHash = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex')

/** "26-000123": the covenant's year in two digits, then its reports in the order they arrived. */
const formatReceipt = (year: number, sequence: number) => `${String(year % 100).padStart(2, '0')}-${String(sequence).padStart(6, '0')}`

/**
 * The next `count` receipt numbers of the covenant's year. On SQLite, one counter row per year,
 * moved on in one statement: writers take turns anyway. On PostgreSQL a counter row would make
 * every push wait for the one before it to commit, so each year has a sequence
 * (`receipt_2026`), which never waits: numbers still rise in the order pushes take them, but a
 * push that fails after taking numbers leaves them unused, and two pushes at once may interleave
 * theirs. A receipt number is proof of arrival, not a count.
 */
export async function nextReceipts(trx: Transaction<Database>, year: number, count: number): Promise<string[]> {
  const values = dialectOf(trx) === 'postgres' ? await sequenceValues(trx, year, count) : await counterValues(trx, year, count)
  return values.map((value) => formatReceipt(year, value))
}

async function counterValues(trx: Transaction<Database>, year: number, count: number): Promise<number[]> {
  const { value } = await trx
    .insertInto('receipt_sequence')
    .values({ year, value: count })
    .onConflict((conflict) => conflict.column('year').doUpdateSet((eb) => ({ value: eb('receipt_sequence.value', '+', count) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Array.from({ length: count }, (_, index) => value - count + 1 + index)
}

/** The year's sequence, made on its first receipt: it goes on from the year's counter row, if a move from SQLite brought one. */
async function sequenceValues(trx: Transaction<Database>, year: number, count: number): Promise<number[]> {
  const name = `receipt_${Math.trunc(year)}`
  const { rows: found } = await sql<{ present: boolean }>`select to_regclass(${name}) is not null as present`.execute(trx)
  if (!found[0]?.present) {
    const held = await trx.selectFrom('receipt_sequence').select('value').where('year', '=', year).executeTakeFirst()
    await sql`create sequence if not exists ${sql.id(name)} as bigint start ${sql.lit((held?.value ?? 0) + 1)}`.execute(trx)
  }
  const { rows } = await sql<{ value: number }>`select nextval(${name}) as value from generate_series(1, ${count})`.execute(trx)
  return rows.map((row) => row.value).sort((a, b) => a - b)
}
