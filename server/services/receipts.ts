import { createHash } from 'node:crypto'
import type { Transaction } from 'kysely'
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

/** The next `count` receipt numbers of the covenant's year, taken in one statement. */
export async function nextReceipts(trx: Transaction<Database>, year: number, count: number): Promise<string[]> {
  const { value } = await trx
    .insertInto('receipt_sequence')
    .values({ year, value: count })
    .onConflict((conflict) => conflict.column('year').doUpdateSet((eb) => ({ value: eb('receipt_sequence.value', '+', count) })))
    .returning('value')
    .executeTakeFirstOrThrow()
  return Array.from({ length: count }, (_, index) => formatReceipt(year, value - count + 1 + index))
}
