import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { openSqlite } from '../../server/db/sqlite'
import { backup, restore, type Manifest } from '../../server/services/backup'
import { fieldOf, jpeg, photoOf, push, pushOne, reportOf, sha256Of } from './field'
import { buildTestApp, onPostgres, tempDir } from './helper'
import { receivePhoto } from './managers'

/**
 * Backup and restore: a copy taken while phones push restores into an empty data folder, passes
 * SQLite's integrity check and holds every report acknowledged before the backup began, with
 * the photos; a damaged copy or a folder already in use is refused, saying why.
 */

const run = promisify(execFile)

// The SQLite file's backup; on PostgreSQL, backups are pg_dump's (the README's operations sections).
describe.skipIf(onPostgres)('a backup taken during a push loop', () => {
  it('restores to a database that passes integrity_check and holds every report acknowledged before it began, with its photos', async () => {
    const dataDir = tempDir()
    const app = await buildTestApp({ DATA_DIR: dataDir })
    const field = await fieldOf(app)
    const bytes = jpeg(6_000, 'sao lưu')
    const withPhoto = reportOf(field, { photos: [photoOf(bytes)] })
    await pushOne(app, field, withPhoto)
    await receivePhoto(app, dataDir, bytes)

    const acknowledged: string[] = []
    let stop = false
    const loop = (async () => {
      while (!stop) {
        const batch = Array.from({ length: 10 }, () => reportOf(field))
        const answer = await push(app, field, batch)
        if (answer.statusCode === 200) acknowledged.push(...batch.map((report) => report.id))
      }
    })()
    while (acknowledged.length < 100) await new Promise((resolve) => setTimeout(resolve, 10))
    const before = [...acknowledged, withPhoto.id]
    const dest = path.join(tempDir(), 'sao-luu')
    const manifest = await backup(dataDir, dest)
    stop = true
    await loop

    const restored = path.join(tempDir(), 'data')
    await restore(dest, restored)
    const db = openSqlite(path.join(restored, 'giao-uoc.sqlite'))
    try {
      const held = new Set((await db.selectFrom('report').select('id').execute()).map((row) => row.id))
      expect(before.filter((id) => !held.has(id))).toEqual([])
      expect(held.size).toBe(manifest.counts.report)
      expect(sha256Of(fs.readFileSync(path.join(restored, 'photos', sha256Of(bytes).slice(0, 2), sha256Of(bytes))))).toBe(sha256Of(bytes))
    } finally {
      await db.destroy()
      await app.close()
    }
  })
})

describe.skipIf(onPostgres)('a restore', () => {
  async function backedUp(): Promise<{ dest: string; manifest: Manifest }> {
    const dataDir = tempDir()
    const app = await buildTestApp({ DATA_DIR: dataDir })
    const field = await fieldOf(app)
    const bytes = jpeg(3_000, 'hỏng')
    await pushOne(app, field, reportOf(field, { photos: [photoOf(bytes)] }))
    await receivePhoto(app, dataDir, bytes)
    const dest = path.join(tempDir(), 'sao-luu')
    const manifest = await backup(dataDir, dest)
    await app.close()
    return { dest, manifest }
  }

  it('refuses a damaged photo, a damaged database, and a data folder already in use', async () => {
    const photo = await backedUp()
    const [stored] = fs.readdirSync(path.join(photo.dest, 'photos'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    if (!stored) throw new Error('no photo in the backup')
    fs.appendFileSync(path.join(stored.parentPath, stored.name), 'x')
    await expect(restore(photo.dest, path.join(tempDir(), 'data'))).rejects.toThrow(/damaged/)

    const database = await backedUp()
    fs.appendFileSync(path.join(database.dest, 'giao-uoc.sqlite'), 'x')
    await expect(restore(database.dest, path.join(tempDir(), 'data'))).rejects.toThrow(/does not match its manifest/)

    const inUse = tempDir()
    fs.writeFileSync(path.join(inUse, 'giao-uoc.sqlite'), '')
    await expect(restore((await backedUp()).dest, inUse)).rejects.toThrow(/not empty/)
  })

  it('runs from npm: backup beside a data folder, restore into a new one', async () => {
    const dataDir = tempDir()
    const app = await buildTestApp({ DATA_DIR: dataDir })
    await app.close()
    const dest = path.join(tempDir(), 'sao-luu')
    const env = { ...process.env, DATA_DIR: dataDir }
    const backedUpOut = await run(process.execPath, ['--import', 'tsx', 'server/backup-cli.ts', 'backup', dest], { env })
    expect(backedUpOut.stdout).toMatch(/^Backed up .* reports, .* photos/)
    const restoredOut = await run(process.execPath, ['--import', 'tsx', 'server/backup-cli.ts', 'restore', dest], {
      env: { ...process.env, DATA_DIR: path.join(tempDir(), 'data') },
    })
    expect(restoredOut.stdout).toMatch(/integrity ok/)
  }, 60_000)
})
