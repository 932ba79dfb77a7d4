import fs from 'node:fs'
import { tempDir } from '../e2e/endpoint'
import { randomUUID } from 'node:crypto'
import { expect, test, type Page } from '@playwright/test'
import type { PullResponse, PushedReport, PushResponse } from '../../src/protocol'
import { phoneContext } from '../../playwright.config'
import { buildRelease, enroll, Rig, row, seedQueue, settle, store, type FaultRow, type SeedOptions, type Seeded } from './rig'

// Every scenario queues reports and photos on a phone with no network, breaks the link or the
// endpoint in one way, lets the signal come back, and counts what arrived: all of it, once.
const rows: FaultRow[] = []
let rig: Rig
/** The app as the phone holds it before an update, and as the endpoint serves it. */
let served: string | undefined

/** Scenarios tagged so run against two endpoint processes on one PostgreSQL database. */
const TWO_PROCESSES = '@two-processes'

test.beforeEach(async ({}, testInfo) => {
  rig = new Rig(served ? { APP_DIR: served } : {}, testInfo.tags.includes(TWO_PROCESSES) ? 2 : 1)
  await rig.start()
})

test.afterEach(async () => {
  await rig.stop()
})

test.afterAll(() => {
  // One file for both stores: this run's rows replace its store's from an earlier run.
  const file = 'test-results/faults.json'
  const earlier = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<FaultRow>[]) : []
  fs.mkdirSync('test-results', { recursive: true })
  fs.writeFileSync(file, `${JSON.stringify([...earlier.filter((entry) => entry.store !== undefined && entry.store !== store), ...rows], null, 2)}\n`)
  const width = Math.max(...rows.map((entry) => entry.scenario.length), 8)
  const line = (cells: (string | number)[]) =>
    `${String(cells[0]).padEnd(width)}  ${cells
      .slice(1)
      .map((cell) => String(cell).padStart(12))
      .join('')}`
  // The table is the suite's output: printed whatever the reporter.
  process.stdout.write(
    `${['', `On ${store === 'postgres' ? 'PostgreSQL' : 'SQLite'}:`, line(['scenario', 'queued', 'stored', 'duplicates', 'lost']), ...rows.map((entry) => line([entry.scenario, entry.queued, entry.stored, entry.duplicates, entry.lost]))].join('\n')}\n`,
  )
})

/** Enroll, cut the network, queue `seed` on the phone. */
async function offlineWithQueue(page: Page, seed: SeedOptions): Promise<Seeded> {
  await enroll(page, rig.link)
  await page.context().setOffline(true)
  return seedQueue(page, seed)
}

/**
 * Wait for the phone to have sent everything, add the scenario's row, and hold it to 0 lost and 0
 * duplicated. Where the endpoint was down, the phone's backoff has grown meanwhile (up to a minute
 * after six failures), and it is given longer.
 */
async function record(scenario: string, page: Page, seeded: Seeded, timeoutMs?: number): Promise<FaultRow> {
  const { row: result, settled } = await settle(scenario, rig, page, seeded, timeoutMs)
  rows.push(result)
  expect(result).toEqual({ scenario, store, queued: result.queued, stored: result.queued, duplicates: 0, lost: 0 })
  expect(settled, 'the phone still had something to send').toBe(true)
  return result
}

test('no fault: 500 queued reports', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 500 })
  await page.context().setOffline(false)
  await record('no fault, 500 reports', page, seeded)
  // Batches of 50: ten pushes.
  expect(rig.proxy.count('POST', /^\/api\/push/)).toBeLessThanOrEqual(10)
})

test('network cut mid-push', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 60, photos: [1, 1] })
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'cut-request', afterBytes: 20_000 }, times: 2 })
  await page.context().setOffline(false)
  await record('network cut mid-push', page, seeded)
  expect(rig.proxy.count('POST', /^\/api\/push/)).toBeGreaterThanOrEqual(4)
})

test('acknowledgement lost after the endpoint committed', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 30, photos: [2] })
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'lose-answer' } })
  rig.proxy.add({ method: 'PATCH', path: /^\/api\/uploads\//, fault: { kind: 'lose-answer' } })
  await page.context().setOffline(false)
  await record('acknowledgement lost after commit', page, seeded)
})

test('500 and 503 answers', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 10, photos: [1, 1] })
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'status', status: 500 }, times: 2 })
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'status', status: 503, retryAfter: '1' } })
  rig.proxy.add({ method: 'PATCH', path: /^\/api\/uploads\//, fault: { kind: 'status', status: 500 } })
  rig.proxy.add({ method: 'POST', path: /^\/api\/uploads/, fault: { kind: 'status', status: 503, retryAfter: '1' } })
  await page.context().setOffline(false)
  await record('500 and 503 answers', page, seeded)
})

test('a captive portal answering its own 401, 403 and 404 pages', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 5, photos: [1, 1] })
  // A hotel or café Wi-Fi answers every request with its sign-in page until the cadre signs in.
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'portal', status: 401 }, times: 2 })
  rig.proxy.add({ method: 'GET', path: /^\/api\/pull/, fault: { kind: 'portal', status: 403 }, times: 2 })
  rig.proxy.add({ method: 'POST', path: /^\/api\/uploads$/, fault: { kind: 'portal', status: 404 }, times: 1 })
  rig.proxy.add({ method: 'PATCH', path: /^\/api\/uploads\//, fault: { kind: 'portal', status: 401 }, times: 1 })
  await page.context().setOffline(false)
  await record('captive portal 401, 403 and 404 pages', page, seeded)
  // Still enrolled: the portal's 401 was no word from the endpoint.
  await expect(page.getByTestId('sync-revoked')).toHaveCount(0)
  const revokedAt = await page.evaluate(
    () =>
      new Promise<unknown>((resolve) => {
        const open = indexedDB.open('giao-uoc')
        open.onsuccess = () => {
          const read = open.result.transaction('enrollment').objectStore('enrollment').get('current')
          read.onsuccess = () => resolve((read.result as { revokedAt: string | null }).revokedAt)
        }
      }),
  )
  expect(revokedAt).toBeNull()
  expect(rig.proxy.seen.filter((entry) => entry.status === 401 || entry.status === 403 || entry.status === 404).length).toBeGreaterThanOrEqual(4)
})

const UPLOAD = /^\/api\/uploads\/[0-9a-f]+$/
/** The phone's tus chunk: a cut costs at most this much again. */
const CHUNK_BYTES = 256 * 1024
/**
 * Bytes of photo sent beyond the photos' own size: what cuts and resumes cost. Not counted: a
 * request the endpoint refused for its wrong offset. Chromium repeats a request cut on a reused
 * connection once by itself; the endpoint refuses that copy as soon as its headers arrive (409,
 * or a closed connection when the body came faster than the answer), and on a slow link the
 * browser stops sending its body then.
 */
const resent = (seeded: Seeded) =>
  rig.proxy.seen.filter((entry) => entry.method === 'PATCH' && entry.status !== 409 && !entry.hungUp).reduce((sum, entry) => sum + entry.bodyBytes, 0) -
  seeded.photoBytes.reduce((sum, size) => sum + size, 0)

test('network cut mid-photo', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 1, photos: [1], photo: { width: 2400, height: 1800, quality: 0.9 } })
  expect(seeded.photoBytes[0]).toBeGreaterThan(CHUNK_BYTES * 2)
  // The second chunk is cut part way.
  rig.proxy.add({ method: 'PATCH', path: UPLOAD, fault: { kind: 'cut-request', afterBytes: 100_000 }, skip: 1 })
  await page.context().setOffline(false)
  await record('network cut mid-photo', page, seeded)
  // The upload resumed where the endpoint stood, never from the start, and resent at most one chunk.
  expect(rig.proxy.seen.filter((entry) => entry.method === 'PATCH' && entry.uploadOffset === 0 && entry.status !== 409)).toHaveLength(1)
  expect(rig.proxy.count('POST', /^\/api\/uploads$/)).toBe(1)
  expect(resent(seeded)).toBeLessThanOrEqual(CHUNK_BYTES)
})

test('a 12-megapixel photo over a link cut every 1 MB', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 1, photos: [1], photo: { width: 4000, height: 3000, quality: 0.92, noise: true } })
  expect(seeded.photoBytes[0]).toBeGreaterThan(2 * 1024 * 1024)
  rig.proxy.cutUploadsEvery = 1024 * 1024
  await page.context().setOffline(false)
  await record('12 MP photo, link cut every 1 MB', page, seeded)
  // Whole and once: the endpoint checked its SHA-256 before storing it.
  expect((await rig.held(seeded.reportIds, seeded.photoIds)).blobs).toBe(1)
  expect(resent(seeded)).toBeLessThanOrEqual(CHUNK_BYTES * Math.ceil((seeded.photoBytes[0] ?? 0) / (1024 * 1024)))
})

test('endpoint killed and restarted mid-sync', async ({ page }) => {
  test.setTimeout(300_000)
  const seeded = await offlineWithQueue(page, { reports: 20, photos: [1, 1, 1], photo: { width: 2400, height: 1800, quality: 0.9 } })
  rig.proxy.uploadBytesPerSecond = 400 * 1024
  await page.context().setOffline(false)
  await expect.poll(() => rig.proxy.seen.some((entry) => entry.method === 'PATCH' && entry.bodyBytes > 100_000), { timeout: 30_000 }).toBe(true)
  await rig.endpoint.kill()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await rig.startEndpoint()
  await record('endpoint killed and restarted mid-sync', page, seeded, 180_000)
})

test('endpoint killed while three phones send at once', async ({ browser, page }) => {
  test.setTimeout(300_000)
  const others = await Promise.all(
    ['Hoàng Văn Minh', 'Lò Văn Thắng'].map(async (name) => ({ link: await rig.enrollmentLink(name), context: await browser.newContext(phoneContext) })),
  )
  const phones = [{ page, link: rig.link }, ...(await Promise.all(others.map(async ({ link, context }) => ({ page: await context.newPage(), link }))))]
  const seeded: Seeded[] = []
  for (const { page: each, link } of phones) {
    await enroll(each, link)
    await each.context().setOffline(true)
    seeded.push(await seedQueue(each, { reports: 15, photos: [1, 1], photo: { width: 2400, height: 1800, quality: 0.9 } }))
  }
  rig.proxy.uploadBytesPerSecond = 400 * 1024
  await Promise.all(phones.map(({ page: each }) => each.context().setOffline(false)))
  // SIGKILL comes while photos are on their way and the phones push.
  await expect.poll(() => rig.proxy.seen.filter((entry) => entry.method === 'PATCH' && entry.bodyBytes > 100_000).length, { timeout: 30_000 }).toBeGreaterThan(0)
  await rig.endpoint.kill()
  await new Promise((resolve) => setTimeout(resolve, 1500))
  await rig.startEndpoint()
  for (const [index, { page: each }] of phones.entries()) await record(`killed with three phones sending, phone ${index + 1}`, each, seeded[index] as Seeded, 180_000)
  await Promise.all(others.map(({ context }) => context.close()))
})

test('answers slower than the phone waits', async ({ page }) => {
  // The phone's clock is driven by the test, so its 60-second timeout passes without waiting a minute.
  await page.clock.install()
  const seeded = await offlineWithQueue(page, { reports: 5, photos: [1] })
  rig.proxy.add({ method: 'POST', path: /^\/api\/push/, fault: { kind: 'delay-answer', ms: 120_000 } })
  await page.context().setOffline(false)
  await expect.poll(() => rig.proxy.count('POST', /^\/api\/push/), { timeout: 30_000 }).toBe(1)
  // The endpoint has committed; the phone gives up waiting, then sends again and hears "duplicate".
  await expect.poll(async () => (await rig.held(seeded.reportIds, [])).reports.size).toBe(5)
  await page.clock.fastForward(61_000)
  await record('answers slower than the timeout', page, seeded)
  expect(rig.proxy.count('POST', /^\/api\/push/)).toBeGreaterThanOrEqual(2)
})

test('two tabs syncing at once', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 40, photos: [1, 1] })
  const second = await page.context().newPage()
  await second.goto(`${rig.url}/reports`)
  await expect(second.getByTestId('outbox-waiting')).toBeVisible()
  await page.context().setOffline(false)
  await record('two tabs syncing at once', page, seeded)
  // One tab sent; the other found the lock taken, then nothing left to send.
  expect(rig.proxy.count('POST', /^\/api\/push/)).toBe(1)
  expect(rig.proxy.count('POST', /^\/api\/uploads$/)).toBe(2)
})

test('page reloaded mid-sync', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 1, photos: [1], photo: { width: 2400, height: 1800, quality: 0.9 } })
  rig.proxy.uploadBytesPerSecond = 200 * 1024
  await page.context().setOffline(false)
  // Reloaded while the second chunk is on its way.
  await expect.poll(() => rig.proxy.seen.some((entry) => entry.method === 'PATCH' && (entry.uploadOffset ?? 0) > 0 && entry.bodyBytes > 50_000), { timeout: 30_000 }).toBe(true)
  await page.reload()
  rig.proxy.uploadBytesPerSecond = 0
  await record('page reloaded mid-sync', page, seeded)
  const afterReload = rig.proxy.seen.filter((entry) => entry.method === 'PATCH' && entry.uploadOffset !== null && entry.uploadOffset > 0)
  expect(afterReload.length).toBeGreaterThan(0)
  expect(rig.proxy.count('POST', /^\/api\/uploads$/)).toBe(1)
})

test('app closed: the service worker sends reports and photos on Background Sync', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 3, photos: [1, 1, 1] })
  const devtools = await page.context().newCDPSession(page)
  const registered = new Promise<string>((resolve) =>
    devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => registration.scopeURL.startsWith(rig.url) && !registration.isDeleted)
      if (ours) resolve(ours.registrationId)
    }),
  )
  await devtools.send('ServiceWorker.enable')
  const registrationId = await registered
  // The app is closed: no window of it is left to send, only its worker.
  await page.goto('about:blank')
  await page.context().setOffline(false)
  await devtools.send('ServiceWorker.dispatchSyncEvent', { origin: new URL(rig.url).origin, registrationId, tag: 'giao-uoc-outbox', lastChance: false })
  await expect
    .poll(
      async () => {
        const held = await rig.held(seeded.reportIds, seeded.photoIds)
        return held.reports.size + held.photos.size
      },
      { timeout: 60_000 },
    )
    .toBe(seeded.reportIds.length + seeded.photoIds.length)
  expect(rig.proxy.count('POST', /^\/api\/uploads$/)).toBe(3)
  // Opened again, the app finds nothing left to send.
  await page.goto(`${rig.url}/reports`)
  await record('app closed, sent by the service worker', page, seeded)
})

test('device revoked with items queued', async ({ page }) => {
  const seeded = await offlineWithQueue(page, { reports: 5, photos: [1] })
  const { deviceId, memberId } = await page.evaluate(
    () =>
      new Promise<{ deviceId: string; memberId: string }>((resolve) => {
        const open = indexedDB.open('giao-uoc')
        open.onsuccess = () => {
          const read = open.result.transaction('enrollment').objectStore('enrollment').get('current')
          read.onsuccess = () => resolve(read.result as { deviceId: string; memberId: string })
        }
      }),
  )
  const admin = await rig.admin()
  const api = (url: string, body?: unknown) =>
    fetch(`http://localhost:${rig.endpointPort}${url}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
  expect((await api(`/api/devices/${deviceId}/revoke`)).status).toBe(200)

  await page.context().setOffline(false)
  await page.goto(`${rig.url}/`)
  await expect(page.getByTestId('sync-revoked')).toBeVisible({ timeout: 30_000 })
  // Revoked: nothing is deleted, everything still waits.
  expect((await row('device revoked, before re-enrolling', rig, page, seeded)).lost).toBe(0)
  await expect(page.getByTestId('outbox-waiting')).toHaveText('5 mục chờ gửi')

  const code = (await (await api('/api/enrollment-codes', { memberId })).json()) as { code: string }
  await page.goto(`${rig.url}/enroll#code=${code.code}`)
  await record('device revoked with items queued', page, seeded)
})

test.describe('a new app version installed with a full queue', () => {
  // The last release before the outbox: Dexie schema 3, a worker that sends nothing.
  const previousRelease = 'abb9978'

  test.beforeAll(() => {
    test.setTimeout(180_000)
    served = tempDir('giao-uoc-served-')
    fs.cpSync(buildRelease(previousRelease), served, { recursive: true })
  })

  test.afterAll(() => {
    served = undefined
  })

  test('updates the worker and the database, then sends the queue', async ({ page }) => {
    const seeded = await offlineWithQueue(page, { reports: 12, photos: [1, 1], schema3: true })
    // Deploy the current build where the endpoint serves from; the phone finds it once online.
    fs.rmSync(served ?? '', { recursive: true, force: true })
    fs.cpSync('dist', served ?? '', { recursive: true })
    await page.context().setOffline(false)
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update())
    const prompt = page.getByTestId('pwa-prompt')
    await expect(prompt).toContainText('Có phiên bản mới.', { timeout: 30_000 })
    expect(await page.evaluate(() => indexedDB.databases().then((all) => all.find((db) => db.name === 'giao-uoc')?.version))).toBe(30)
    await prompt.getByRole('button', { name: 'Tải lại' }).click()
    await expect(page.getByTestId('outbox-status')).toBeVisible()
    await record('new app version with a full queue', page, seeded)
    // Upgraded past the release's schema 3 (Dexie reports version n as n × 10).
    expect(await page.evaluate(() => indexedDB.databases().then((all) => all.find((db) => db.name === 'giao-uoc')?.version))).toBeGreaterThan(30)
  })
})

// Two endpoint processes on one PostgreSQL database, behind a proxy that sends each request to
// the next process in turn: a phone's pushes, and the chunks of one photo, alternate between them.
test.describe('two endpoint processes', () => {
  test.skip(store !== 'postgres', 'several endpoint processes need PostgreSQL')

  test('requests alternating between them, photo uploads resumed on the other', { tag: TWO_PROCESSES }, async ({ page }) => {
    const seeded = await offlineWithQueue(page, { reports: 60, photos: [1, 1, 1], photo: { width: 2400, height: 1800, quality: 0.9 } })
    rig.proxy.cutUploadsEvery = 300 * 1024
    await page.context().setOffline(false)
    await record('two processes, requests alternating', page, seeded)
    const upstreams = (method: string) => new Set(rig.proxy.seen.filter((entry) => entry.method === method && entry.status !== null).map((entry) => entry.upstream))
    expect(upstreams('POST').size).toBe(2)
    expect(upstreams('PATCH').size).toBe(2)
  })

  test('one of them killed mid-push and restarted', { tag: TWO_PROCESSES }, async ({ page }) => {
    test.setTimeout(300_000)
    const seeded = await offlineWithQueue(page, { reports: 120, photos: [1, 1], photo: { width: 2400, height: 1800, quality: 0.9 } })
    rig.proxy.uploadBytesPerSecond = 400 * 1024
    await page.context().setOffline(false)
    await expect.poll(() => rig.proxy.count('POST', /^\/api\/push/), { timeout: 30_000 }).toBeGreaterThan(0)
    await rig.endpoints[0]?.kill()
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await rig.startEndpoint(0)
    await record('two processes, one killed mid-push', page, seeded, 180_000)
  })

  test('the same report sent to both at once', { tag: TWO_PROCESSES }, async () => {
    const [first, second] = rig.endpointPorts.map((port) => `http://localhost:${port}`)
    const code = new URL(await rig.enrollmentLink('Lý Thị Dua')).hash.replace('#code=', '')
    const enrolled = await fetch(`${first}/api/enroll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, deviceName: 'Máy thử' }) })
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${((await enrolled.json()) as { deviceToken: string }).deviceToken}` }
    const pulled = (await (await fetch(`${second}/api/pull`, { headers })).json()) as PullResponse
    const done = pulled.commitments.find((item) => item.measure === 'done')
    if (!pulled.unit || !pulled.covenant || !done) throw new Error('the cadre has no unit, covenant or commitment')
    const now = new Date().toISOString()
    const reports: PushedReport[] = Array.from({ length: 20 }, () => ({
      id: randomUUID(),
      unitId: pulled.unit?.id ?? '',
      communeId: pulled.communes[0]?.id ?? '',
      covenantId: pulled.covenant?.id ?? '',
      visitDate: now.slice(0, 10),
      visitTime: '08:30',
      summary: 'Thăm hộ nghèo, gửi cùng lúc tới hai tiến trình.',
      location: null,
      entries: [{ commitmentId: done.id, status: 'done', amount: null, note: '' }],
      photos: [],
      revision: 1,
      createdAt: now,
      updatedAt: now,
    }))
    const push = async (url: string | undefined, report: PushedReport) => {
      const answer = await fetch(`${url}/api/push`, { method: 'POST', headers, body: JSON.stringify({ reports: [report] }) })
      expect(answer.status).toBe(200)
      return ((await answer.json()) as PushResponse).results[0]
    }
    for (const report of reports) {
      const answers = await Promise.all([push(first, report), push(second, report)])
      expect(answers.map((answer) => answer?.outcome).sort()).toEqual(['accepted', 'duplicate'])
      const receipts = answers.map((answer) => (answer && answer.outcome !== 'rejected' ? answer.receipt.number : null))
      expect(receipts[0]).toBe(receipts[1])
    }
    const ids = reports.map((report) => report.id)
    const held = await rig.held(ids, [])
    const result: FaultRow = {
      scenario: 'same report to both processes at once',
      store,
      queued: ids.length,
      stored: held.reports.size,
      duplicates: held.reportRows - held.reports.size,
      lost: ids.length - held.reports.size,
    }
    rows.push(result)
    expect(result).toEqual({ scenario: result.scenario, store, queued: 20, stored: 20, duplicates: 0, lost: 0 })
  })
})
