import fs from 'node:fs'
import { ConfigError, loadConfig } from './config'
import { migratePostgres, openPostgres } from './db/postgres'
import { migrateToLatest, openSqlite } from './db/sqlite'
import { moveToPostgres } from './services/move'
import { PhotoBucket } from './services/photo-bucket'
import { PhotoStore } from './services/photo-store'

/**
 * `npm run move-to-postgres`: copy the SQLite database of the data folder in DATA_DIR (./data by
 * default) into the new, empty PostgreSQL database of DATABASE_URL, then check that every table
 * holds the same rows and every photo reads back whole, from the bucket of PHOTO_STORE when it
 * is set (the photos are put there first). Stop the endpoint first; start it again with the same
 * settings. The SQLite file is left as it was.
 */
async function main(): Promise<void> {
  const config = loadConfig(process.env)
  if (!config.DATABASE_URL) {
    process.stderr.write('Usage: DATABASE_URL=postgres://user:password@host:5432/database npm run move-to-postgres   (DATA_DIR names the data folder, ./data by default)\n')
    process.exit(2)
  }
  if (!fs.existsSync(config.databaseFile)) throw new Error(`There is no database at ${config.databaseFile}: set DATA_DIR to the endpoint's data folder.`)
  const source = openSqlite(config.databaseFile)
  const target = openPostgres(config.DATABASE_URL, 2)
  const photos = new PhotoStore(config.photosDir, config.photoBucket && (await PhotoBucket.open(config.photoBucket)))
  try {
    await migrateToLatest(source)
    await migratePostgres(target)
    const { rows, photos: checked } = await moveToPostgres(source, target, photos, (line) => process.stdout.write(`${line}\n`))
    process.stdout.write(
      `Moved ${config.databaseFile} into PostgreSQL and checked it: ${rows.report} reports, ${rows.review} reviews, ${rows.score} scores, ${checked} photos, every table's rows equal.\n` +
        'Start the endpoint with DATABASE_URL set and the same DATA_DIR.\n',
    )
  } finally {
    await source.destroy()
    await target.destroy()
    photos.close()
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
