import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import SQLite from 'better-sqlite3'

/**
 * Backups of the endpoint's data, taken while it runs: SQLite's `VACUUM INTO` gives a
 * consistent copy of the database at one moment; the photo store is then copied whole (a photo
 * reaches the store before the database says it arrived, so every photo the copy names is
 * already there); a manifest records the counts and hashes that a restore checks. Thumbnails
 * are made again on demand, and uploads under way are sent again by the phones.
 */

export const DATABASE_FILE = 'giao-uoc.sqlite'
export const MANIFEST_FILE = 'manifest.json'

export interface Manifest {
  format: 1
  createdAt: string
  migration: string | null
  database: { file: string; bytes: number; sha256: string }
  photos: { files: number; bytes: number }
  /** Rows of the tables that hold what the phones sent and the bloc decided. */
  counts: Record<string, number>
}

const COUNTED = [
  'report',
  'report_revision',
  'photo',
  'photo_blob',
  'exemplar',
  'exemplar_photo',
  'review',
  'member',
  'device',
  'covenant',
  'score',
  'proposal',
  'audit_log',
] as const

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256')
  await pipeline(createReadStream(file), hash)
  return hash.digest('hex')
}

function countsOf(connection: SQLite.Database): Record<string, number> {
  return Object.fromEntries(COUNTED.map((table) => [table, (connection.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n]))
}

const latestMigration = (connection: SQLite.Database) =>
  (connection.prepare('select name from kysely_migration order by name desc limit 1').get() as { name: string } | undefined)?.name ?? null

/** Every file under `dir`, as paths relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
}

async function copyPhotos(from: string, to: string): Promise<{ files: number; bytes: number }> {
  let bytes = 0
  const files = await filesUnder(from)
  for (const file of files) {
    await fs.mkdir(path.dirname(path.join(to, file)), { recursive: true })
    await fs.copyFile(path.join(from, file), path.join(to, file))
    bytes += (await fs.stat(path.join(to, file))).size
  }
  return { files: files.length, bytes }
}

async function assertEmpty(dir: string, what: string): Promise<void> {
  const entries = await fs.readdir(dir).catch(() => [])
  if (entries.length) throw new Error(`${what} ${dir} is not empty`)
  await fs.mkdir(dir, { recursive: true, mode: 0o700 })
}

/** Copy the data folder `dataDir` into the empty folder `dest`, while the endpoint may be writing to it. */
export async function backup(dataDir: string, dest: string, now = new Date()): Promise<Manifest> {
  await assertEmpty(dest, 'The backup folder')
  // A connection of its own, as another process would have: the endpoint keeps writing beside it.
  const source = new SQLite(path.join(dataDir, DATABASE_FILE), { fileMustExist: true })
  const file = path.join(dest, DATABASE_FILE)
  try {
    // One read transaction copies the database as it stood at one moment, while the endpoint
    // goes on writing beside it (WAL); unlike the page-by-page backup API, writes do not make it
    // start over.
    source.prepare('vacuum into ?').run(file)
  } finally {
    source.close()
  }
  const copy = new SQLite(file, { readonly: true })
  let counts: Record<string, number>
  let migration: string | null
  try {
    counts = countsOf(copy)
    migration = latestMigration(copy)
  } finally {
    copy.close()
  }
  const photos = await copyPhotos(path.join(dataDir, 'photos'), path.join(dest, 'photos'))
  const manifest: Manifest = {
    format: 1,
    createdAt: now.toISOString(),
    migration,
    database: { file: DATABASE_FILE, bytes: (await fs.stat(file)).size, sha256: await sha256Of(file) },
    photos,
    counts,
  }
  await fs.writeFile(path.join(dest, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`)
  return manifest
}

/**
 * Put the backup in `src` into the empty data folder `dataDir`, then check it: the database's
 * hash and integrity, the counts the manifest records, and every photo the database names
 * present with the bytes its name promises. Throws, naming what is wrong, when a check fails.
 */
export async function restore(src: string, dataDir: string): Promise<Manifest> {
  const manifest = JSON.parse(await fs.readFile(path.join(src, MANIFEST_FILE), 'utf8')) as Manifest
  if (manifest.format !== 1) throw new Error(`Unknown backup format ${String(manifest.format)}`)
  if ((await sha256Of(path.join(src, manifest.database.file))) !== manifest.database.sha256) throw new Error('The backup’s database does not match its manifest')
  await assertEmpty(dataDir, 'The data folder')
  const file = path.join(dataDir, DATABASE_FILE)
  await fs.copyFile(path.join(src, manifest.database.file), file)
  await fs.chmod(file, 0o600)
  await copyPhotos(path.join(src, 'photos'), path.join(dataDir, 'photos'))
  await verify(dataDir, manifest)
  return manifest
}

/** The checks of a restored data folder against its manifest. */
export async function verify(dataDir: string, manifest: Manifest): Promise<void> {
  const connection = new SQLite(path.join(dataDir, DATABASE_FILE), { readonly: true, fileMustExist: true })
  try {
    const integrity = connection.pragma('integrity_check', { simple: true })
    if (integrity !== 'ok') throw new Error(`The restored database fails its integrity check: ${String(integrity)}`)
    const counts = countsOf(connection)
    const differing = Object.entries(manifest.counts).filter(([table, count]) => counts[table] !== count)
    if (differing.length) throw new Error(`The restored database does not hold what the backup counted: ${differing.map(([table]) => table).join(', ')}`)
    const blobs = connection.prepare('select sha256 from photo_blob').all() as { sha256: string }[]
    for (const { sha256 } of blobs) {
      const photo = path.join(dataDir, 'photos', sha256.slice(0, 2), sha256)
      const found = await sha256Of(photo).catch(() => null)
      if (found !== sha256) throw new Error(`Photo ${sha256} is ${found === null ? 'missing' : 'damaged'} in the restored data`)
    }
  } finally {
    connection.close()
  }
}
