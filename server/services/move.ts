import { createHash } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import type { Database, Db } from '../db/schema'
import { blobPath, type PhotoStore } from './photo-store'

/**
 * Moving a deployment from its SQLite file to PostgreSQL: every row of every table copied in
 * one transaction (nothing half-moved if it fails), then counted and hashed on both sides, and
 * every photo the database names read back from the photo store and hashed. Photos in the
 * folder stay where they are; with a bucket (PHOTO_STORE), they are put there first.
 */

/** Every table, each after the tables its rows refer to. */
export const TABLES = [
  'meta',
  'revision',
  'bloc',
  'unit',
  'commune',
  'bloc_commune',
  'assignment',
  'covenant',
  'commitment',
  'member',
  'device',
  'session',
  'enrollment_code',
  'receipt_sequence',
  'report',
  'report_entry',
  'photo_blob',
  'photo',
  'review',
  'audit_log',
  'evaluation',
  'self_assessment',
  'score',
  'score_item',
  'vote',
  'exemplar',
  'proposal',
  'report_revision',
  'exemplar_photo',
  'removal',
  'attempt',
] as const satisfies readonly (keyof Database)[]

type Table = (typeof TABLES)[number]
type Row = Record<string, unknown>

/** Tables whose key PostgreSQL numbers itself: after rows come with their own, it goes on from the largest. */
const NUMBERED: readonly Table[] = ['audit_log', 'score_item']

const BATCH = 500

export interface MoveSummary {
  /** Rows in each table, the same on both sides. */
  rows: Record<Table, number>
  /** Photos read back whole. */
  photos: number
}

export class MoveError extends Error {
  override name = 'MoveError'
}

/** A table's row count and the SHA-256 of its rows, each as JSON with its columns in name order, in sorted order: the same on both engines for the same rows. */
async function digestOf(db: Db, table: Table): Promise<{ count: number; sha256: string }> {
  const rows = (await db.selectFrom(table).selectAll().execute()) as Row[]
  const lines = rows.map((row) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)))).sort()
  const hash = createHash('sha256')
  for (const line of lines) hash.update(`${line}\n`)
  return { count: rows.length, sha256: hash.digest('hex') }
}

/**
 * Copy everything in `source` (SQLite, migrated) into `target` (PostgreSQL, migrated and empty),
 * then check. Refuses a target that holds anything beyond what its migrations made.
 */
export async function moveToPostgres(source: Kysely<Database>, target: Kysely<Database>, photos: PhotoStore, log: (line: string) => void = () => {}): Promise<MoveSummary> {
  for (const table of TABLES.filter((name) => name !== 'revision')) {
    const held = await target
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(held.n) > 0) throw new MoveError(`The PostgreSQL database already holds data (table ${table}): move into a new, empty database.`)
  }

  // Copied and checked in one transaction: a check that fails leaves the database as empty as it was.
  return target.transaction().execute(async (trx) => {
    for (const table of TABLES) {
      const rows = (await source.selectFrom(table).selectAll().execute()) as Row[]
      // The migration made the revision row; the move brings SQLite's counter (see `nextRevision`).
      if (table === 'revision') await trx.deleteFrom('revision').execute()
      for (let at = 0; at < rows.length; at += BATCH)
        await trx
          .insertInto(table)
          .values(rows.slice(at, at + BATCH))
          .execute()
      log(`${table}: ${rows.length} rows`)
    }
    for (const table of NUMBERED) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), coalesce(max(id), 0) + 1, false) from ${sql.table(table)}`.execute(trx)
    }

    const rows = {} as Record<Table, number>
    for (const table of TABLES) {
      const [before, after] = [await digestOf(source, table), await digestOf(trx, table)]
      if (before.count !== after.count || before.sha256 !== after.sha256) {
        throw new MoveError(`Table ${table} differs after the move (${before.count} rows before, ${after.count} after)`)
      }
      rows[table] = after.count
    }

    const blobs = await trx.selectFrom('photo_blob').select(['sha256', 'type']).execute()
    for (const blob of blobs) {
      if (photos.bucket) await photos.put(blobPath(photos.dir, blob.sha256), blob)
      const found = await photos.hashOf(blob.sha256)
      if (found !== blob.sha256) throw new MoveError(`Photo ${blob.sha256} is ${found === null ? 'missing' : 'damaged'} in ${photos.bucket?.describe(blob.sha256) ?? photos.dir}`)
    }
    log(`${blobs.length} photos read back whole${photos.bucket ? ` from s3://${photos.bucket.bucket}` : ''}`)
    return { rows, photos: blobs.length }
  })
}
