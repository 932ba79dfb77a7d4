import fs from 'node:fs'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import type { Database } from './schema'
import { migrations } from './migrations'

/**
 * Open (or create) the SQLite file. WAL lets readers run beside the writer; FULL sync makes a
 * committed report survive a power cut, which matters more here than write speed.
 */
export function openSqlite(file: string): Kysely<Database> {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const connection = new SQLite(file)
  connection.pragma('journal_mode = WAL')
  connection.pragma('synchronous = FULL')
  connection.pragma('foreign_keys = ON')
  connection.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: connection }) })
  connections.set(db, connection)
  return db
}

/** Each database's SQLite connection, for what only migrations may do to it. */
const connections = new WeakMap<Kysely<Database>, SQLite.Database>()

/** Apply every pending migration (or those up to `until`); answers the name of the last one applied. */
export async function migrateToLatest(db: Kysely<Database>, until?: string): Promise<string | null> {
  const migrator = new Migrator({ db, provider: { getMigrations: () => Promise.resolve(migrations) } })
  // A migration may loosen a CHECK by editing the stored schema (see 0005); never outside one.
  const connection = connections.get(db)
  connection?.unsafeMode(true)
  const { error, results } = await (until ? migrator.migrateTo(until) : migrator.migrateToLatest()).finally(() => connection?.unsafeMode(false))
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    throw new Error(`Database migration ${failed ?? ''} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`)
  }
  return until ?? Object.keys(migrations).sort().at(-1) ?? null
}
