import { execFileSync, execSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import pg from 'pg'
import type { Kysely } from 'kysely'
import { openDatabase } from '../../server/db/database'
import type { Database } from '../../server/db/schema'
import { expect, type Page } from '@playwright/test'
import { startEndpoint, tempDir, type Endpoint } from '../e2e/endpoint'
import { FaultProxy } from './proxy'

/** Where the endpoint keeps its data in this run: PostgreSQL when `npm run test:faults:pg` gives a server. */
export const store: 'sqlite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'

/** One row of the fault table: what the phone queued, and what the endpoint ended up holding. */
export interface FaultRow {
  scenario: string
  store: typeof store
  queued: number
  stored: number
  duplicates: number
  lost: number
}

/** A port no one listens on now: each rig's endpoint has its own, so rigs never meet. */
async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

let databases = 0

/** On PostgreSQL (`base`, a server's `postgres` database), an empty database of the rig's own (the endpoint migrates it as it starts); on SQLite, none. */
async function createDatabase(base: string | undefined): Promise<string | undefined> {
  if (!base) return undefined
  const name = `giao_uoc_faults_${process.pid}_${++databases}`
  await onServer(base, `create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

async function dropDatabase(base: string | undefined, url: string | undefined): Promise<void> {
  if (base && url) await onServer(base, `drop database if exists ${new URL(url).pathname.slice(1)} with (force)`)
}

async function onServer(base: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: base })
  await client.connect()
  await client.query(statement).finally(() => client.end())
}

/**
 * A real endpoint process on its own data folder, behind a fault proxy: the browser only ever
 * talks to the proxy, as a phone talks to the endpoint through a weak link.
 */
export class Rig {
  readonly dataDir = tempDir('giao-uoc-faults-')
  /** Each endpoint process's port; the first is the one tests reach straight. */
  endpointPorts: number[] = []
  endpoints: Endpoint[] = []
  proxy!: FaultProxy
  /** The first enrollment link the endpoint printed, through the proxy. */
  link = ''
  /** On PostgreSQL, the rig's own database. */
  databaseUrl: string | undefined
  private db: Kysely<Database> | undefined

  /**
   * `processes`: endpoint processes on the same data (more than one needs PostgreSQL), the proxy
   * sending each request to the next. `postgres`: the PostgreSQL server's `postgres` database to
   * make the rig's own database on; SQLite when none.
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv = {},
    private readonly processes = 1,
    private readonly postgres = process.env.TEST_DATABASE_URL,
  ) {}

  get url(): string {
    return `http://localhost:${this.proxy.port}`
  }

  get endpointPort(): number {
    return this.endpointPorts[0] ?? 0
  }

  get endpoint(): Endpoint {
    const first = this.endpoints[0]
    if (!first) throw new Error('the rig has not started')
    return first
  }

  async start(): Promise<void> {
    if (this.processes > 1 && !this.postgres) throw new Error('several endpoint processes need PostgreSQL (npm run test:faults:pg)')
    this.databaseUrl = await createDatabase(this.postgres)
    for (let index = 0; index < this.processes; index++) this.endpointPorts.push(await freePort())
    // Together, as processes behind a load balancer start: the first start's seeding is one process's.
    await Promise.all(this.endpointPorts.map((_, index) => this.startEndpoint(index)))
    this.proxy = new FaultProxy(this.endpointPorts)
    await this.proxy.listen()
    const printed = this.endpoints.map((endpoint) => /http:\/\/localhost:\d+(\/enroll#code=[0-9A-Z-]+)/.exec(endpoint.output())?.[1]).find(Boolean)
    if (!printed) throw new Error(`no enrollment link in:\n${this.endpoints.map((endpoint) => endpoint.output()).join('\n')}`)
    this.link = `${this.url}${printed}`
  }

  /** Start (or start again) the endpoint process `index`. */
  async startEndpoint(index = 0): Promise<void> {
    this.endpoints[index] = await startEndpoint('server.ts', this.endpointPorts[index] ?? 0, {
      DATA_DIR: this.dataDir,
      ADMIN_PASSWORD: 'mat-khau-thu-nghiem',
      ...(this.databaseUrl && { DATABASE_URL: this.databaseUrl }),
      ...this.env,
    })
  }

  /** Stop what was started, also of a rig whose start failed part way. */
  async stop(): Promise<void> {
    await (this.proxy as FaultProxy | undefined)?.close()
    for (const endpoint of this.endpoints) await endpoint.stop()
    await this.db?.destroy()
    await dropDatabase(this.postgres, this.databaseUrl)
  }

  /** The endpoint's database, read beside it. */
  private database(): Kysely<Database> {
    this.db ??= openDatabase({ url: this.databaseUrl, file: path.join(this.dataDir, 'giao-uoc.sqlite'), poolSize: 2 })
    return this.db
  }

  /** What the endpoint holds of these reports and photos, read from its database and photo folder. */
  async held(
    reportIds: readonly string[],
    photoIds: readonly string[],
  ): Promise<{ reports: Set<string>; reportRows: number; photos: Set<string>; photoFiles: number; blobs: number }> {
    const db = this.database()
    const reportRows = reportIds.length ? await db.selectFrom('report').select('id').where('id', 'in', reportIds).execute() : []
    const photoRows = photoIds.length ? await db.selectFrom('photo').select('id').where('received_at', 'is not', null).where('id', 'in', photoIds).execute() : []
    const { blobs } = await db
      .selectFrom('photo_blob')
      .select((eb) => eb.fn.countAll<number>().as('blobs'))
      .executeTakeFirstOrThrow()
    const photoDir = path.join(this.dataDir, 'photos')
    const photoFiles = fs.existsSync(photoDir) ? fs.readdirSync(photoDir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length : 0
    return { reports: new Set(reportRows.map((r) => r.id)), reportRows: reportRows.length, photos: new Set(photoRows.map((r) => r.id)), photoFiles, blobs: Number(blobs) }
  }

  /** A new enrollment link for the named member of the demo bloc, through the proxy, made by the admin. */
  async enrollmentLink(memberName: string): Promise<string> {
    const member = await this.database().selectFrom('member').select('id').where('name', '=', memberName).executeTakeFirst()
    if (!member) throw new Error(`no member ${memberName}`)
    const answer = await fetch(`http://localhost:${this.endpointPort}/api/enrollment-codes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await this.admin()}` },
      body: JSON.stringify({ memberId: member.id }),
    })
    const { link } = (await answer.json()) as { link: string }
    return `${this.url}${new URL(link).pathname}${new URL(link).hash}`
  }

  /** An admin session on the endpoint, straight (not through the proxy). */
  async admin(): Promise<string> {
    const answer = await fetch(`http://localhost:${this.endpointPort}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'mat-khau-thu-nghiem' }),
    })
    return ((await answer.json()) as { token: string }).token
  }
}

/** Enroll the page's phone through the rig's link and wait until the worker controls the page. */
export async function enroll(page: Page, link: string): Promise<void> {
  await page.goto(link)
  await expect(page.getByRole('heading', { level: 1, name: 'Xã phụ trách' })).toBeVisible({ timeout: 30_000 })
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
}

/**
 * Build the app as it was at `commit` into a folder of its own (with this checkout's
 * node_modules): an older version for a phone to hold before an update.
 */
export function buildRelease(commit: string): string {
  const source = tempDir('giao-uoc-release-')
  execSync(`git archive ${commit} | tar -x -C ${source}`)
  fs.symlinkSync(path.resolve('node_modules'), path.join(source, 'node_modules'))
  const out = tempDir('giao-uoc-release-dist-')
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: source,
    env: { ...process.env, APP_BUILD: `release-${commit}` },
    stdio: 'inherit',
  })
  return out
}

export interface Seeded {
  reportIds: string[]
  photoIds: string[]
  photoBytes: number[]
}

export interface SeedOptions {
  reports: number
  /** Photos for each of the first reports: `photos[i]` for report i. */
  photos?: number[]
  /** Rows as schema version 3 kept them (before the outbox), for a phone still on that version. */
  schema3?: boolean
  /** Size of each photo, drawn in the page: 1600×1200 (what the phone keeps) unless told. */
  photo?: { width: number; height: number; quality: number; noise?: boolean }
}

/**
 * Put queued reports (and their photos) into the phone's IndexedDB as "Gửi" leaves them, with
 * the unit's real communes and commitments, then reload so the app reads them. The page must be
 * offline, so that nothing is sent before the test is ready.
 */
export async function seedQueue(page: Page, options: SeedOptions): Promise<Seeded> {
  const seeded = await page.evaluate(
    async ({ reports, photos, photo, schema3 }) => {
      const open = () =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const request = indexedDB.open('giao-uoc')
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(new Error(String(request.error)))
        })
      const done = (request: IDBRequest) =>
        new Promise<unknown>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(new Error(String(request.error))))))
      const db = await open()
      const read = db.transaction(['enrollment', 'meta', 'communes', 'commitments'])
      const enrollment = (await done(read.objectStore('enrollment').get('current'))) as { memberId: string; unitId: string }
      const covenantId = ((await done(read.objectStore('meta').get('activeCovenantId'))) as { value: string }).value
      const communes = (await done(read.objectStore('communes').getAll())) as { id: string; name: string }[]
      const commitments = ((await done(read.objectStore('commitments').getAll())) as { id: string; covenantId: string; measure: string }[]).filter(
        (item) => item.covenantId === covenantId && item.measure === 'count',
      )

      async function drawPhoto(seed: number): Promise<{ blob: Blob; thumbnail: Blob; sha256: string }> {
        const canvas = new OffscreenCanvas(photo.width, photo.height)
        const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D
        let state = seed + 1
        for (let i = 0; i < 30_000; i++) {
          state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
          context.fillStyle = `hsl(${state % 360}, 60%, ${20 + (state % 60)}%)`
          context.fillRect(state % photo.width, (state >> 8) % photo.height, 4 + (state % 40), 4 + (state % 30))
        }
        // Fine grain, like a camera sensor's, keeps a full-size photo as large as a real one.
        if (photo.noise) {
          const grain = context.createImageData(1500, 1500)
          for (let i = 0; i < grain.data.length; i++) grain.data[i] = i % 4 === 3 ? 255 : (state = (state * 1_103_515_245 + 12_345) % 2_147_483_648) & 255
          context.putImageData(grain, 0, 0)
        }
        const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: photo.quality })
        const small = new OffscreenCanvas(32, 24)
        small.getContext('2d')?.drawImage(canvas, 0, 0, 32, 24)
        const thumbnail = await small.convertToBlob({ type: 'image/jpeg' })
        const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
        return { blob, thumbnail, sha256: [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('') }
      }

      const reportIds: string[] = []
      const photoIds: string[] = []
      const photoBytes: number[] = []
      const rows: { report: Record<string, unknown>; outbox: Record<string, unknown>; photos: Record<string, unknown>[] }[] = []
      const base = Date.now() - 60_000
      for (let i = 0; i < reports; i++) {
        const id = crypto.randomUUID()
        const at = new Date(base + i).toISOString()
        const commune = communes[i % communes.length] as { id: string; name: string }
        const photoRows: Record<string, unknown>[] = []
        for (let p = 0; p < (photos[i] ?? 0); p++) {
          const drawn = await drawPhoto(i * 100 + p)
          const photoId = crypto.randomUUID()
          photoIds.push(photoId)
          photoBytes.push(drawn.blob.size)
          photoRows.push({
            id: photoId,
            reportId: id,
            ...drawn,
            type: 'image/jpeg',
            size: drawn.blob.size,
            width: photo.width,
            height: photo.height,
            caption: `Ảnh ${p + 1}`,
            takenAt: at,
            location: null,
            createdAt: at,
          })
        }
        reportIds.push(id)
        const summary = `Lượt đi cơ sở số ${i + 1} tại xã ${commune.name}`
        rows.push({
          report: {
            id,
            unitId: enrollment.unitId,
            communeId: commune.id,
            authorId: enrollment.memberId,
            covenantId,
            visitDate: at.slice(0, 10),
            visitTime: '08:30',
            summary,
            location: null,
            entries: [{ commitmentId: commitments[0]?.id, status: 'done', amount: 1, note: '' }],
            photoIds: photoRows.map((row) => row.id),
            state: 'queued',
            ...(schema3 ? { rejectedReason: null } : { rejection: null, receipt: null }),
            revision: 1,
            createdAt: at,
            updatedAt: at,
            searchText: summary.toLowerCase(),
          },
          outbox: { reportId: id, revision: 1, queuedAt: at, attempts: 0, lastError: null, ...(schema3 ? {} : { kind: 'report', nextAttemptAt: null }) },
          photos: photoRows,
        })
      }
      const write = db.transaction(['reports', 'outbox', 'photos'], 'readwrite')
      for (const row of rows) {
        write.objectStore('reports').put(row.report)
        write.objectStore('outbox').put(row.outbox)
        for (const photoRow of row.photos) write.objectStore('photos').put(photoRow)
      }
      await new Promise<void>((resolve, reject) => ((write.oncomplete = () => resolve()), (write.onerror = () => reject(new Error(String(write.error))))))
      db.close()
      return { reportIds, photoIds, photoBytes }
    },
    { reports: options.reports, photos: options.photos ?? [], photo: options.photo ?? { width: 1600, height: 1200, quality: 0.8 }, schema3: options.schema3 ?? false },
  )
  await page.reload()
  if (!options.schema3) await expect(page.getByTestId('outbox-waiting')).toBeVisible()
  return seeded
}

/** What the phone still holds to send: ids of queued reports and of photos waiting (in an upload row, or with their queued report). */
export async function phoneWaiting(page: Page): Promise<{ waiting: Set<string>; accepted: number }> {
  const { waiting, accepted } = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('giao-uoc')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(new Error(String(request.error)))
    })
    const done = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => ((request.onsuccess = () => resolve(request.result)), (request.onerror = () => reject(new Error(String(request.error))))))
    // A phone still on schema 3 (before an update) has no uploads yet.
    const hasUploads = db.objectStoreNames.contains('uploads')
    const read = db.transaction(hasUploads ? ['outbox', 'uploads', 'reports'] : ['outbox', 'reports'])
    const outbox = (await done(read.objectStore('outbox').getAllKeys())) as string[]
    const uploads = hasUploads ? ((await done(read.objectStore('uploads').getAllKeys())) as string[]) : []
    const reports = (await done(read.objectStore('reports').getAll())) as { id: string; state: string; photoIds: string[] }[]
    db.close()
    const queuedPhotos = reports.filter((report) => outbox.includes(report.id)).flatMap((report) => report.photoIds)
    return { waiting: [...outbox, ...uploads, ...queuedPhotos], accepted: reports.filter((report) => report.state === 'accepted').length }
  })
  return { waiting: new Set(waiting), accepted }
}

/**
 * Wait until the endpoint holds everything seeded and the phone has nothing left to send, then
 * make the row: stored counts distinct items; duplicates are rows or files beyond one per item;
 * lost is what was queued and is neither on the endpoint nor waiting on the phone.
 */
export async function settle(scenario: string, rig: Rig, page: Page, seeded: Seeded, timeoutMs = 90_000): Promise<{ row: FaultRow; settled: boolean }> {
  const settled = await expect
    .poll(
      async () => {
        const held = await rig.held(seeded.reportIds, seeded.photoIds)
        // A page between two loads cannot be asked: ask again.
        const phone = await phoneWaiting(page).catch(() => null)
        return (
          held.reports.size === seeded.reportIds.length && held.photos.size === seeded.photoIds.length && phone?.waiting.size === 0 && phone.accepted >= seeded.reportIds.length
        )
      },
      { timeout: timeoutMs, intervals: [250, 500, 1000] },
    )
    .toBe(true)
    .then(
      () => true,
      () => false,
    )
  return { row: await row(scenario, rig, page, seeded), settled }
}

export async function row(scenario: string, rig: Rig, page: Page, seeded: Seeded): Promise<FaultRow> {
  const held = await rig.held(seeded.reportIds, seeded.photoIds)
  const { waiting } = await phoneWaiting(page)
  const ids = [...seeded.reportIds, ...seeded.photoIds]
  const stored = seeded.reportIds.filter((id) => held.reports.has(id)).length + seeded.photoIds.filter((id) => held.photos.has(id)).length
  const lost = ids.filter((id) => !held.reports.has(id) && !held.photos.has(id) && !waiting.has(id)).length
  const duplicates = held.reportRows - held.reports.size + (held.photoFiles - held.blobs)
  return { scenario, store, queued: ids.length, stored, duplicates, lost }
}
