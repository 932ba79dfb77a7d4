import fs from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { enroll, Rig, seedQueue, settle, type FaultRow, type SeedOptions, type Seeded } from './rig'

// Every scenario queues reports and photos on a phone with no network, breaks the link or the
// endpoint in one way, lets the signal come back, and counts what arrived: all of it, once.
const rows: FaultRow[] = []
let rig: Rig

test.beforeEach(async () => {
  rig = new Rig()
  await rig.start()
})

test.afterEach(async () => {
  await rig.stop()
})

test.afterAll(() => {
  fs.mkdirSync('test-results', { recursive: true })
  fs.writeFileSync('test-results/faults.json', `${JSON.stringify(rows, null, 2)}\n`)
  const width = Math.max(...rows.map((entry) => entry.scenario.length), 8)
  const line = (cells: (string | number)[]) => `${String(cells[0]).padEnd(width)}  ${cells.slice(1).map((cell) => String(cell).padStart(10)).join('')}`
  // The table is the suite's output: printed whatever the reporter.
  process.stdout.write(`${['', line(['scenario', 'queued', 'stored', 'duplicates', 'lost']), ...rows.map((entry) => line([entry.scenario, entry.queued, entry.stored, entry.duplicates, entry.lost]))].join('\n')}\n`)
})

/** Enroll, cut the network, queue `seed` on the phone. */
async function offlineWithQueue(page: Page, seed: SeedOptions): Promise<Seeded> {
  await enroll(page, rig.link)
  await page.context().setOffline(true)
  return seedQueue(page, seed)
}

/** Wait for the phone to have sent everything, add the scenario's row, and hold it to 0 lost and 0 duplicated. */
async function record(scenario: string, page: Page, seeded: Seeded): Promise<FaultRow> {
  const { row, settled } = await settle(scenario, rig, page, seeded)
  rows.push(row)
  expect(row).toEqual({ scenario, queued: row.queued, stored: row.queued, duplicates: 0, lost: 0 })
  expect(settled, 'the phone still had something to send').toBe(true)
  return row
}

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
