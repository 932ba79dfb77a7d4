import path from 'node:path'
import { backup, restore } from './services/backup'

/**
 * `npm run backup -- DEST` and `npm run restore -- SRC`, for the data folder in DATA_DIR
 * (./data by default). A backup runs beside the endpoint; a restore needs an empty data folder
 * and the endpoint stopped.
 */
const [command, folder] = process.argv.slice(2)
const dataDir = path.resolve(process.env.DATA_DIR ?? './data')

async function main(): Promise<void> {
  if (!folder || (command !== 'backup' && command !== 'restore')) {
    process.stderr.write('Usage: npm run backup -- DEST   or   npm run restore -- SRC   (DATA_DIR names the data folder, ./data by default)\n')
    process.exit(2)
  }
  if (process.env.DATABASE_URL) {
    process.stderr.write(
      'DATABASE_URL is set: this endpoint keeps its data in PostgreSQL. Back it up with pg_dump, and the photos with their store’s own tools (README, “On PostgreSQL”).\n',
    )
    process.exit(2)
  }
  if (process.env.PHOTO_STORE) {
    process.stderr.write(
      'PHOTO_STORE is set: the photos are in the bucket, and the photos folder holds only some of them. Back up the database with SQLite’s .backup command and the bucket with its own tools (README, “Photos in object storage”).\n',
    )
    process.exit(2)
  }
  process.umask(0o077)
  const target = path.resolve(folder)
  const manifest = command === 'backup' ? await backup(dataDir, target) : await restore(target, dataDir)
  const { report, photo_blob: photos } = manifest.counts
  process.stdout.write(
    command === 'backup'
      ? `Backed up ${dataDir} to ${target}: ${report ?? 0} reports, ${photos ?? 0} photos (${manifest.photos.bytes} bytes), database ${manifest.database.sha256}.\n`
      : `Restored ${target} into ${dataDir} and checked it: ${report ?? 0} reports, ${photos ?? 0} photos, integrity ok.\n`,
  )
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
