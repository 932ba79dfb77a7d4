import { randomUUID } from 'node:crypto'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Figure } from './figure'
import { BATCH, enrollFleet, OFFERED, phoneDay, pushBody, reports, storedOf, type Pulled } from './fleet'
import { runOpenLoop } from './open-loop'
import { machineLoad, withRig } from './phone'
import { postgresInsertRate } from './postgres-rate'
import { startPostgres } from '../tests/support/postgres.mjs'
import type { Rig } from '../tests/faults/rig'
import { sqliteInsertRate } from './sqlite-rate'

const CONNECTIONS = 200
const SECONDS = 20

/** A push of `BATCH` valid reports for the demo unit, cut at each report id: a new body is the parts joined with fresh UUIDs. */
function pushTemplate(pulled: Pulled): string[] {
  return pushBody(reports(pulled).map((report) => ({ ...report, id: '@ID@' }))).split('"@ID@"')
}

interface Ceiling {
  /** Accepted reports a second. */
  rate: number
  /** How the run went, for a figure's conditions. */
  conditions: string
}

/**
 * The push route's ceiling, closed loop: autocannon with `CONNECTIONS` connections (shared
 * between the rig's endpoint processes), each request `BATCH` new reports from one of the
 * enrolled devices, for `SECONDS`. The endpoints are killed after, not stopped: a graceful stop
 * would first answer what is still queued.
 */
async function ceiling(rig: Rig): Promise<Ceiling> {
  const { tokens, pulled } = await enrollFleet(rig, OFFERED.devices)
  const parts = pushTemplate(pulled)
  const loadBefore = machineLoad()
  let accepted = 0
  let sent = 0
  const result = await autocannon({
    // autocannon shares the connections between the URLs of an array (its types say one string).
    url: rig.endpointPorts.map((port) => `http://127.0.0.1:${port}`) as unknown as string,
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
  for (const endpoint of rig.endpoints) await endpoint.kill()
  const answers = `${result.requests.total} answers (${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`
  const processes = rig.endpoints.length === 1 ? 'real endpoint process' : `${rig.endpoints.length} endpoint processes, connections split evenly between them,`
  return {
    rate: accepted / result.duration,
    conditions: `the ceiling, closed loop: accepted reports / ${result.duration.toFixed(1)} s; ${answers}; p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; ${processes} on loopback, autocannon 9 in the bench process, POST /api/push, ${CONNECTIONS} connections, ${SECONDS} s, ${BATCH} new reports per request (1 entry each) from ${OFFERED.devices} devices; ${loadBefore} before, ${loadAfter} after`,
  }
}

/** The ceiling on the SQLite file, beside raw SQLite inserts into the same file with the endpoint's durability settings. */
function closedLoop(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const { rate, conditions } = await ceiling(rig)
    const raw = sqliteInsertRate(path.join(rig.dataDir, 'giao-uoc.sqlite'), 5000, BATCH)
    return [
      { name: 'ingest.rate', value: Math.round(rate), unit: 'reports/s', budget: { min: 2000 }, conditions },
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

const RAW_CONNECTIONS = 4

/**
 * The same ceiling on PostgreSQL, with one endpoint process (`ingest.pg1`) and with two
 * (`ingest.pg2`), each on a new database of a durable cluster made for the run (fsync on, as a
 * real server); beside raw PostgreSQL inserts of the same rows into the first one's database.
 */
async function postgresLoops(): Promise<Figure[]> {
  const cluster = await startPostgres({ durable: true })
  try {
    const figures: Figure[] = []
    let raw: { reportsPerSecond: number; entriesPerReport: number } | undefined
    for (const processes of [1, 2]) {
      const { rate, conditions } = await withRig(
        async (rig) => {
          const measured = await ceiling(rig)
          raw ??= await postgresInsertRate(rig.databaseUrl ?? '', 5000, BATCH, RAW_CONNECTIONS)
          return measured
        },
        {},
        processes,
        cluster.url,
      )
      figures.push({
        name: `ingest.pg${processes}`,
        value: Math.round(rate),
        unit: 'reports/s',
        budget: null,
        conditions: `PostgreSQL, DATABASE_POOL_SIZE 10 per process; ${conditions}`,
      })
    }
    if (!raw) throw new Error('no raw PostgreSQL rate was measured')
    const floor = raw.reportsPerSecond
    figures.push(
      {
        name: 'ingest.postgres',
        value: Math.round(floor),
        unit: 'reports/s',
        budget: null,
        conditions: `pg on ingest.pg1's database once its endpoint was killed: copies of a stored report row and its ${raw.entriesPerReport} entry row, ${BATCH} per transaction, prepared statements, ${RAW_CONNECTIONS} connections at once, for 5 s; PostgreSQL ${cluster.version} on this machine, fsync on, synchronous_commit on`,
      },
      ...[1, 2].map((processes) => ({
        name: `ingest.pg${processes}.ratio`,
        value: Number(((figures.find((figure) => figure.name === `ingest.pg${processes}`)?.value ?? 0) / floor).toFixed(2)),
        unit: '×',
        budget: null,
        conditions: `ingest.pg${processes} / ingest.postgres, same run`,
      })),
    )
    return figures
  } finally {
    cluster.stop()
  }
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
  return [...(await closedLoop()), ...(await openLoop()), ...(await postgresLoops())]
}
