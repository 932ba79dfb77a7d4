import fs from 'node:fs'
import path from 'node:path'
import { migratePostgres, openPostgres } from './db/postgres'
import { migrateToLatest, openSqlite } from './db/sqlite'
import { moveToPostgres } from './services/move'

/**
 * `npm run move-to-postgres`: copy the SQLite database of the data folder in DATA_DIR (./data by
 * default) into the new, empty PostgreSQL database of DATABASE_URL, then check that every table
 * holds the same rows and every photo reads back whole. Stop the endpoint first; start it again
 * with DATABASE_URL set. The SQLite file is left as it was.
 */
async function main(): Promise<void> {
  const url = process.env.DATABASE_URL
  const dataDir = path.resolve(process.env.DATA_DIR ?? './data')
  const file = path.join(dataDir, 'giao-uoc.sqlite')
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    process.stderr.write('Usage: DATABASE_URL=postgres://user:password@host:5432/database npm run move-to-postgres   (DATA_DIR names the data folder, ./data by default)\n')
    process.exit(2)
  }
  if (!fs.existsSync(file)) throw new Error(`There is no database at ${file}: set DATA_DIR to the endpoint's data folder.`)
  const source = openSqlite(file)
  const target = openPostgres(url, 2)
  try {
    await migrateToLatest(source)
    await migratePostgres(target)
    const { rows, photos } = await moveToPostgres(source, target, path.join(dataDir, 'photos'), (line) => process.stdout.write(`${line}\n`))
    process.stdout.write(
      `Moved ${file} into PostgreSQL and checked it: ${rows.report} reports, ${rows.review} reviews, ${rows.score} scores, ${photos} photos, every table's rows equal.\n` +
        'Start the endpoint with DATABASE_URL set; keep DATA_DIR: the photos stay in its photos folder.\n',
    )
  } finally {
    await source.destroy()
    await target.destroy()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
