import { loadConfig } from './config'
import { dialectOf, migrateDatabase, openDatabase } from './db/database'

/**
 * `npm run migrate`: apply every pending migration to the database of DATABASE_URL (or the SQLite
 * file in DATA_DIR) and say which it is at, without starting the endpoint: for a deployment that
 * migrates before it starts new processes. The endpoint also migrates as it starts.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  const db = openDatabase({ url: config.DATABASE_URL, file: config.databaseFile, poolSize: 1 })
  try {
    const migration = await migrateDatabase(db)
    process.stdout.write(`The ${dialectOf(db) === 'postgres' ? 'PostgreSQL' : `SQLite (${config.databaseFile})`} database is at migration ${migration ?? 'none'}.\n`)
  } finally {
    await db.destroy()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
