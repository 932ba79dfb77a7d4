import { randomUUID } from 'node:crypto'
import path from 'node:path'
import autocannon from 'autocannon'
import type { Rig } from '../tests/faults/rig'
import type { Figure } from './figure'
import { machineLoad, withRig } from './phone'
import { sqliteInsertRate } from './sqlite-rate'

const CONNECTIONS = 200
const SECONDS = 20
const BATCH = 50
const DEVICES = 200

interface Pulled {
  unit?: { id: string }
  member?: { id: string }
  covenant?: { id: string; year: number }
  assignments: { unitId: string; communeId: string; year: number }[]
  commitments: { id: string; covenantId: string; measure: string }[]
}

async function call<T>(url: string, body: unknown, token?: string): Promise<T> {
  const answer = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}: ${await answer.text()}`)
  return (await answer.json()) as T
}

/** Device tokens of `DEVICES` phones of the demo cadre (the printed code, then codes from the admin) and what the first pulled. */
async function enrollDevices(rig: Rig, url: string): Promise<{ tokens: string[]; pulled: Pulled }> {
  const enroll = async (code: string) => (await call<{ deviceToken: string }>(`${url}/api/enroll`, { code, deviceName: 'bench' })).deviceToken
  const tokens = [await enroll(/#code=([0-9A-Z-]+)/.exec(rig.link)?.[1] ?? '')]
  const pulled = await call<Pulled>(`${url}/api/pull`, undefined, tokens[0])
  const admin = await rig.admin()
  // One after another: the endpoint counts enrollment attempts per address.
  while (tokens.length < DEVICES) tokens.push(await enroll((await call<{ code: string }>(`${url}/api/enrollment-codes`, { memberId: pulled.member?.id }, admin)).code))
  return { tokens, pulled }
}

/** A push of `BATCH` valid reports for the demo unit, cut at each report id: a new body is the parts joined with fresh UUIDs. */
function pushTemplate({ unit, covenant, assignments, commitments }: Pulled): string[] {
  const communes = assignments.filter((item) => item.unitId === unit?.id && item.year === covenant?.year).map((item) => item.communeId)
  const count = commitments.find((item) => item.covenantId === covenant?.id && item.measure === 'count')
  if (!unit || !covenant || !communes.length || !count) throw new Error('the demo unit has no covenant, commune or count commitment')
  const now = new Date().toISOString()
  const reports = Array.from({ length: BATCH }, (_, i) => ({
    id: '@ID@',
    unitId: unit.id,
    communeId: communes[i % communes.length],
    covenantId: covenant.id,
    visitDate: now.slice(0, 10),
    visitTime: '08:30',
    summary: `Lượt đi cơ sở số ${i + 1}: thăm 5 hộ nghèo ở thôn Lũng Pù, trao quà và hướng dẫn làm hồ sơ vay vốn.`,
    location: { latitude: 23.1, longitude: 105.2, accuracy: 12, takenAt: now },
    entries: [{ commitmentId: count.id, status: 'done', amount: 1, note: 'Trao quà cho hộ nghèo' }],
    photos: [],
    revision: 1,
    createdAt: now,
    updatedAt: now,
  }))
  return JSON.stringify({ reports, device: { appVersion: 'bench', waiting: BATCH, freeBytes: null } }).split('"@ID@"')
}

/**
 * The push route under load: autocannon with `CONNECTIONS` connections, each request 50 new
 * reports from one of 200 enrolled devices, for 20 s; then, in the same run, raw SQLite
 * inserts into the endpoint's database file with its durability settings.
 */
export function run(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const url = `http://127.0.0.1:${rig.endpointPort}`
    const { tokens, pulled } = await enrollDevices(rig, url)
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
    const setup = `real endpoint process on loopback, autocannon 9 in the bench process, POST /api/push, ${CONNECTIONS} connections, ${SECONDS} s, ${BATCH} new reports per request (1 entry each) from ${DEVICES} devices; ${loadBefore} before, ${loadAfter} after`
    const answers = `${result.requests.total} answers (${result['2xx']} 2xx, ${result.non2xx} other, ${result.errors} errors, ${result.timeouts} timeouts)`
    return [
      {
        name: 'ingest.rate',
        value: Math.round(rate),
        unit: 'reports/s',
        budget: { min: 2000 },
        conditions: `accepted reports / ${result.duration.toFixed(1)} s; ${answers}; ${setup}`,
      },
      {
        name: 'ingest.p99',
        value: result.latency.p99,
        unit: 'ms',
        budget: { max: 100 },
        conditions: `autocannon's p99 latency (p50 ${result.latency.p50} ms, max ${result.latency.max} ms); ${setup}`,
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
