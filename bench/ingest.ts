import { randomUUID } from 'node:crypto'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Figure } from './figure'
import { BATCH, enrollFleet, OFFERED, phoneDay, pushBody, reports, storedOf, type Pulled } from './fleet'
import { runOpenLoop } from './open-loop'
import { machineLoad, withRig } from './phone'
import { sqliteInsertRate } from './sqlite-rate'

const CONNECTIONS = 200
const SECONDS = 20

/** A push of `BATCH` valid reports for the demo unit, cut at each report id: a new body is the parts joined with fresh UUIDs. */
function pushTemplate(pulled: Pulled): string[] {
  return pushBody(reports(pulled).map((report) => ({ ...report, id: '@ID@' }))).split('"@ID@"')
}

/**
 * The push route's ceiling, closed loop: autocannon with `CONNECTIONS` connections, each request
 * `BATCH` new reports from one of the enrolled devices, for `SECONDS`; then, in the same run, raw
 * SQLite inserts into the endpoint's database file with its durability settings.
 */
function closedLoop(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const { url, tokens, pulled } = await enrollFleet(rig, OFFERED.devices)
    const parts = pushTemplate(pulled)
    const loadBefore = machineLoad()
    let accepted = 0
    let sent = 0
    const result = await autocannon({
      url,
      connections: CONNECTIONS,
      duration: SECONDS,
      timeout: 30,
      requests: [
        {
          method: 'POST',
          path: '/api/push',
          setupRequest: (request) => {
            const body = parts.reduce((text, part) => `${text}"${randomUUID()}"${part}`)
            const token = tokens[sent++ % tokens.length] ?? ''
            return { ...request, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body }
          },
          onResponse: (status, body) => {
            if (status === 200) accepted += (JSON.parse(body) as { results: { outcome: string }[] }).results.filter((item) => item.outcome === 'accepted').length
          },
        },
      ],
    })
    const loadAfter = machineLoad()
    // Killed, not stopped: a graceful stop would first answer what is still queued.
    await rig.endpoint.kill()
    const raw = sqliteInsertRate(path.join(rig.dataDir, 'giao-uoc.sqlite'), 5000, BATCH)

    const rate = accepted / result.duration
    const answers = `${result.requests.total} answers (${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`
    return [
      {
        name: 'ingest.rate',
        value: Math.round(rate),
        unit: 'reports/s',
        budget: { min: 2000 },
        conditions: `the ceiling, closed loop: accepted reports / ${result.duration.toFixed(1)} s; ${answers}; p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; real endpoint process on loopback, autocannon 9 in the bench process, POST /api/push, ${CONNECTIONS} connections, ${SECONDS} s, ${BATCH} new reports per request (1 entry each) from ${OFFERED.devices} devices; ${loadBefore} before, ${loadAfter} after`,
      },
      {
        name: 'ingest.sqlite',
        value: Math.round(raw.reportsPerSecond),
        unit: 'reports/s',
        budget: null,
        conditions: `better-sqlite3 on the endpoint's file once it was killed, WAL, synchronous=FULL, foreign keys: copies of a stored report row and its ${raw.entriesPerReport} entry row, ${BATCH} per transaction, for 5 s`,
      },
      { name: 'ingest.ratio', value: Number((rate / raw.reportsPerSecond).toFixed(2)), unit: '×', budget: null, conditions: 'ingest.rate / ingest.sqlite, same run' },
    ]
  })
}

/**
 * The push route as an operator meets it, open loop: `OFFERED.devices` phones offering
 * `OFFERED.pushesPerSecond` pushes of `BATCH` a second on a fixed schedule, each pulling between
 * its pushes, for `OFFERED.seconds`; every report then looked for in the database.
 */
function openLoop(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const fleet = await enrollFleet(rig, OFFERED.devices)
    const { plan, reportIds } = phoneDay(fleet)
    const loadBefore = machineLoad()
    const result = await runOpenLoop(plan)
    const loadAfter = machineLoad()
    await rig.endpoint.stop()
    const stored = storedOf(rig.dataDir, reportIds)
    const [pushes, pulls] = ['push', 'pull'].map((route) => result.routes.find((item) => item.route === route))
    if (!pushes || !pulls) throw new Error('the schedule sent no push or no pull')
    const errors = pushes.errors + pulls.errors
    return [
      {
        name: 'ingest.p99',
        value: pushes.p99,
        unit: 'ms',
        budget: { max: 100 },
        conditions: `open loop, latency from each request's scheduled time: ${OFFERED.devices} devices offering ${(OFFERED.pushesPerSecond * BATCH).toLocaleString('en')} reports a second (${OFFERED.pushesPerSecond} pushes of ${BATCH}) for ${OFFERED.seconds} s, each pulling with its cursor halfway between its pushes; push p50 ${pushes.p50} ms, max ${pushes.max} ms; pull p50 ${pulls.p50} ms, p99 ${pulls.p99} ms; ${pushes.sent} pushes and ${pulls.sent} pulls, ${errors} errors${errors ? ` (${[...pushes.firstErrors, ...pulls.firstErrors].join('; ')})` : ''}; ${stored.toLocaleString('en')} of ${reportIds.length.toLocaleString('en')} reports stored, each once (ids are the primary key); generator at most ${result.maxLagMs} ms late; real endpoint process on loopback, generator in the bench process; ${loadBefore} before, ${loadAfter} after`,
      },
      {
        name: 'ingest.errors',
        value: errors + (reportIds.length - stored),
        unit: 'errors',
        budget: { max: 0 },
        conditions: 'the open loop of ingest.p99: failed or refused requests, plus reports sent and not stored',
      },
    ]
  })
}

export async function run(): Promise<Figure[]> {
  return [...(await closedLoop()), ...(await openLoop())]
}
