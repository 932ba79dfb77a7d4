import { setTimeout as sleep } from 'node:timers/promises'
import { seedQueue } from '../tests/faults/rig'
import { median, type Figure } from './figure'
import { machineLoad, withPhone, withRig } from './phone'

const REPORTS = 500
const RUNS = 3
const PUSH = /^\/api\/push/

/**
 * 500 reports queued on a phone with no network, sent when the network comes back: how many
 * pushes it makes, and the time until the endpoint's database holds them all; median of three.
 */
export async function run(): Promise<Figure[]> {
  const runs: { ms: number; pushes: number; gaps: number[]; answers: number[] }[] = []
  let chromium = ''
  for (let i = 0; i < RUNS; i++) {
    runs.push(
      await withRig((rig) =>
        withPhone(rig, async ({ browser, context, page }) => {
          chromium = browser.version()
          await context.setOffline(true)
          const { reportIds } = await seedQueue(page, { reports: REPORTS })
          const started = performance.now()
          await context.setOffline(false)
          while ((await rig.held(reportIds, [])).reports.size < REPORTS) {
            if (performance.now() - started > 60_000) throw new Error(`the endpoint held ${(await rig.held(reportIds, [])).reports.size} of ${REPORTS} reports after 60 s`)
            await sleep(20)
          }
          const ms = performance.now() - started
          // A push after all are stored still counts: let the phone finish first.
          await sleep(1000)
          const pushes = rig.proxy.seen.filter((entry) => entry.method === 'POST' && PUSH.test(entry.path))
          return {
            ms,
            pushes: pushes.length,
            gaps: pushes.slice(1).map((entry, n) => entry.at - (pushes[n]?.at ?? 0)),
            answers: pushes.flatMap((entry) => (entry.answeredAt === null ? [] : [entry.answeredAt - entry.at])),
          }
        }),
      ),
    )
  }
  const conditions = `Chromium ${chromium}; ${REPORTS} reports queued offline (seedQueue, no photos), then online; to the real endpoint through the fault proxy (no fault) on loopback, fresh DATA_DIR each run; ${machineLoad()}`
  return [
    {
      name: 'sync-batch.requests',
      value: Math.max(...runs.map((item) => item.pushes)),
      unit: 'requests',
      budget: { max: 10 },
      conditions: `POST /api/push seen at the proxy, most of ${RUNS} runs: ${runs.map((item) => item.pushes).join(', ')}; ${conditions}`,
    },
    {
      name: 'sync-batch.time',
      value: Math.round(median(runs.map((item) => item.ms))),
      unit: 'ms',
      budget: { max: 3000 },
      conditions: `setOffline(false) to all ${REPORTS} in the endpoint's SQLite (polled every 20 ms), median of ${RUNS}: ${runs.map((item) => Math.round(item.ms)).join(', ')} ms; median ${Math.round(median(runs.flatMap((item) => item.gaps)))} ms from one push to the next, of which the endpoint's answer (request to its first byte at the proxy) ${Math.round(median(runs.flatMap((item) => item.answers)))} ms and the phone (reading the next 50 from IndexedDB, writing the last 50's receipts, the request) the rest; ${conditions}`,
    },
  ]
}
