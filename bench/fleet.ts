import { randomUUID } from 'node:crypto'
import path from 'node:path'
import Database from 'better-sqlite3'
import type { Rig } from '../tests/faults/rig'
import { expectStatus, type Planned } from './open-loop'

/** Phones of the demo cadre enrolled on the rig's endpoint, and what the first one pulled. */
export interface Fleet {
  url: string
  tokens: string[]
  /** Each phone's cursor after its first pull, made once every phone was enrolled. */
  cursors: number[]
  pulled: Pulled
}

export interface Pulled {
  cursor: number
  unit?: { id: string }
  member?: { id: string }
  covenant?: { id: string; year: number }
  assignments: { unitId: string; communeId: string; year: number }[]
  commitments: { id: string; covenantId: string; measure: string }[]
}

export const BATCH = 50

async function call<T>(url: string, body: unknown, token?: string): Promise<T> {
  const answer = await fetch(url, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (!answer.ok) throw new Error(`${url} answered ${answer.status}: ${await answer.text()}`)
  return (await answer.json()) as T
}

/** `devices` phones of the demo cadre: the printed code, then codes from the admin. */
export async function enrollFleet(rig: Rig, devices: number): Promise<Fleet> {
  const url = `http://127.0.0.1:${rig.endpointPort}`
  const enroll = async (code: string) => (await call<{ deviceToken: string }>(`${url}/api/enroll`, { code, deviceName: 'bench' })).deviceToken
  const tokens = [await enroll(/#code=([0-9A-Z-]+)/.exec(rig.link)?.[1] ?? '')]
  const pulled = await call<Pulled>(`${url}/api/pull`, undefined, tokens[0])
  const admin = await rig.admin()
  // One after another: the endpoint counts enrollment attempts per address.
  while (tokens.length < devices) tokens.push(await enroll((await call<{ code: string }>(`${url}/api/enrollment-codes`, { memberId: pulled.member?.id }, admin)).code))
  // A phone pulls everything once, as it is enrolled; from then on only what changed.
  const cursors: number[] = []
  for (const token of tokens) cursors.push((await call<Pulled>(`${url}/api/pull`, undefined, token)).cursor)
  return { url, tokens, cursors, pulled }
}

/** A photo as a report lists it (`PushedPhoto` of src/protocol/push.ts). */
export interface BenchPhoto {
  id: string
  sha256: string
  size: number
  type: 'image/jpeg'
  width: number
  height: number
  caption: string
  takenAt: string
}

/** `BATCH` valid reports of the demo unit with fresh ids, the first with `photo` when given. */
export function reports({ unit, covenant, assignments, commitments }: Pulled, photo?: BenchPhoto): { id: string }[] {
  const communes = assignments.filter((item) => item.unitId === unit?.id && item.year === covenant?.year).map((item) => item.communeId)
  const count = commitments.find((item) => item.covenantId === covenant?.id && item.measure === 'count')
  if (!unit || !covenant || !communes.length || !count) throw new Error('the demo unit has no covenant, commune or count commitment')
  const now = new Date().toISOString()
  return Array.from({ length: BATCH }, (_, i) => ({
    id: randomUUID(),
    unitId: unit.id,
    communeId: communes[i % communes.length],
    covenantId: covenant.id,
    visitDate: now.slice(0, 10),
    visitTime: '08:30',
    summary: `Lượt đi cơ sở số ${i + 1}: thăm 5 hộ nghèo ở thôn Lũng Pù, trao quà và hướng dẫn làm hồ sơ vay vốn.`,
    location: { latitude: 23.1, longitude: 105.2, accuracy: 12, takenAt: now },
    entries: [{ commitmentId: count.id, status: 'done', amount: 1, note: 'Trao quà cho hộ nghèo' }],
    photos: i === 0 && photo ? [photo] : [],
    revision: 1,
    createdAt: now,
    updatedAt: now,
  }))
}

export function pushBody(items: readonly unknown[]): string {
  return JSON.stringify({ reports: items, device: { appVersion: 'bench', waiting: items.length, freeBytes: null } })
}

/** What the endpoint answered a push: every report accepted, and which photos to upload. */
export interface Pushed {
  accepted: number
  missingPhotos: string[]
}

export async function push(fleet: Fleet, token: string, items: readonly { id: string }[]): Promise<Pushed> {
  const answer = await expectStatus(
    `${fleet.url}/api/push`,
    { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: pushBody(items) },
    200,
  )
  const { results } = (await answer.json()) as { results: { outcome: string; missingPhotos?: string[] }[] }
  const refused = results.filter((item) => item.outcome !== 'accepted')
  if (refused.length) throw new Error(`${refused.length} of ${results.length} reports answered ${refused[0]?.outcome}`)
  return { accepted: results.length, missingPhotos: results.flatMap((item) => item.missingPhotos ?? []) }
}

/** The offered load of a day in the field, compressed into a minute. */
export const OFFERED = { devices: 200, pushesPerSecond: 40, seconds: 60 } as const

/** What a day adds to each push: a photo for its first report, requests chained on its answer. */
export interface DayOptions {
  /** The photo of push number `index`'s first report, if it has one. */
  photo?: (index: number) => BenchPhoto | undefined
  /** Told of push number `index` as it is sent: its reports and its answer to come. */
  onPush?: (index: number, items: readonly { id: string }[], pushed: Promise<Pushed>) => void
}

/** A planned push, for the requests a day chains on it. */
export interface PlannedPush {
  index: number
  at: number
  device: number
  photo: BenchPhoto | undefined
}

/**
 * Each phone pushes `BATCH` new reports at its turn (the phones take turns, `pushesPerSecond`
 * pushes a second in all) and pulls its reference data halfway to its next push, with the
 * cursor of its last pull, as the app does.
 */
export function phoneDay(fleet: Fleet, options: DayOptions = {}): { plan: Planned[]; pushes: PlannedPush[]; reportIds: string[] } {
  const plan: Planned[] = []
  const pushes: PlannedPush[] = []
  const reportIds: string[] = []
  const periodMs = (OFFERED.devices / OFFERED.pushesPerSecond) * 1000
  for (const [device, token] of fleet.tokens.entries()) {
    let cursor = fleet.cursors[device] ?? 0
    for (let at = (device * 1000) / OFFERED.pushesPerSecond; at < OFFERED.seconds * 1000; at += periodMs) {
      const planned = { index: pushes.length, at, device, photo: options.photo?.(pushes.length) }
      pushes.push(planned)
      plan.push({
        at,
        route: 'push',
        send: async () => {
          const items = reports(fleet.pulled, planned.photo)
          reportIds.push(...items.map((item) => item.id))
          const pushed = push(fleet, token, items)
          options.onPush?.(planned.index, items, pushed)
          await pushed
        },
      })
      plan.push({
        at: at + periodMs / 2,
        route: 'pull',
        send: async () => {
          const answer = await expectStatus(`${fleet.url}/api/pull?cursor=${cursor}`, { headers: { authorization: `Bearer ${token}` } }, 200)
          cursor = ((await answer.json()) as { cursor: number }).cursor
        },
      })
    }
  }
  return { plan, pushes, reportIds }
}

/** How many of `ids` the endpoint's database holds; read once the endpoint has stopped. */
export function storedOf(dataDir: string, ids: readonly string[]): number {
  const db = new Database(path.join(dataDir, 'giao-uoc.sqlite'), { readonly: true })
  try {
    const count = db.prepare('select count(*) as n from report where id in (select value from json_each(?))')
    let stored = 0
    for (let start = 0; start < ids.length; start += 10_000) stored += (count.get(JSON.stringify(ids.slice(start, start + 10_000))) as { n: number }).n
    return stored
  } finally {
    db.close()
  }
}
