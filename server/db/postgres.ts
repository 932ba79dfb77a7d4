import pg from 'pg'
import { Kysely, Migrator, PostgresDialect } from 'kysely'
import type { Database } from './schema'
import { postgresMigrations } from './postgres-migrations'

const INT8 = 20
const NUMERIC = 1700

/**
 * 64-bit integers (counts, `rev`) and numerics (sums) read as numbers, as SQLite gives them:
 * none this endpoint stores comes near 2^53.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
}

/** A pool of connections to the PostgreSQL database at `url` (`postgres://user:password@host:port/database`). */
export function openPostgres(url: string, poolSize: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types })
  // A connection the server drops while idle (a restart, a failover) is taken out of the pool; the next query opens another.
  pool.on('error', () => {})
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
}

/**
 * Apply every pending PostgreSQL migration; answers the name of the last one. Kysely's migrator
 * holds an advisory lock meanwhile, so processes starting together migrate once.
 */
export async function migratePostgres(db: Kysely<Database>): Promise<string | null> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(postgresMigrations) } })
  const { error, results } = await migrator.migrateToLatest()
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    throw new Error(`Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`)
  }
  return Object.keys(postgresMigrations).sort().at(-1) ?? null
}
