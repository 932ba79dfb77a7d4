import { PostgresAdapter, sql, type Kysely, type SelectQueryBuilder, type Transaction } from 'kysely'
import type { Database, Db } from './schema'
import { migratePostgres, openPostgres } from './postgres'
import { migrateToLatest, openSqlite } from './sqlite'

export type Dialect = 'sqlite' | 'postgres'

/** Where the data lives: PostgreSQL at `url` when it is given, else the SQLite file. */
export interface DatabaseTarget {
  url?: string | undefined
  file: string
  poolSize: number
}

export const openDatabase = ({ url, file, poolSize }: DatabaseTarget): Kysely<Database> => (url ? openPostgres(url, poolSize) : openSqlite(file))

/** Which engine a database (or a transaction on it) runs on. */
export const dialectOf = (db: Db): Dialect => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite')

/** Apply every pending migration of the database's engine; answers the name of the last one. */
export const migrateDatabase = (db: Kysely<Database>): Promise<string | null> => (dialectOf(db) === 'postgres' ? migratePostgres(db) : migrateToLatest(db))

/**
 * On PostgreSQL, lock the rows `query` reads until the transaction ends: `update` to change
 * them (a concurrent writer of the same rows waits, then reads them as committed), `share` so
 * that none deletes them meanwhile. SQLite has one writer at a time and needs neither.
 */
export function lockedFor<DB, TB extends keyof DB, O>(trx: Db, mode: 'update' | 'share', query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  if (dialectOf(trx) !== 'postgres') return query
  return mode === 'update' ? query.forUpdate() : query.forShare()
}

/** PostgreSQL's codes for a transaction ended by a concurrent one: a unique key taken meanwhile, a serialization failure, a deadlock. */
const CLASHES = new Set(['23505', '40001', '40P01'])

/**
 * Run `work` in a transaction, and run it again (twice at most) when PostgreSQL ended it for a
 * clash with a concurrent transaction, such as the same report pushed to two endpoint processes
 * at once: the second run reads what the first one's rival committed. SQLite has one writer at a
 * time and never clashes.
 */
export async function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work)
    } catch (error) {
      const code = (error as { code?: unknown }).code
      if (attempt >= 3 || typeof code !== 'string' || !CLASHES.has(code)) throw error
    }
  }
}

/**
 * Run `work` while no other endpoint process runs work under the same `name`: a PostgreSQL
 * advisory lock, held on a connection of its own meanwhile (released if the process dies).
 * SQLite serves one process: `work` just runs.
 */
export async function exclusively<T>(db: Kysely<Database>, name: string, work: () => Promise<T>): Promise<T> {
  if (dialectOf(db) !== 'postgres') return work()
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(hashtextextended(${name}, 0))`.execute(connection)
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(hashtextextended(${name}, 0))`.execute(connection)
    }
  })
}
