import { createHash, randomUUID } from 'node:crypto'
import type { Commitment, Commune, Covenant } from '../../src/domain'
import type { ExemplarResult, PushedExemplar, PushedPhoto, PushedReport, PushRequest, PushResponse, PushResult, PullResponse } from '../../src/protocol'
import type { App } from '../../server/app'
import { enrolledAs } from './helper'

/** An enrolled cadre's phone, with what its first pull gave it. */
export interface Field {
  headers: { authorization: string }
  unitId: string
  covenant: Covenant
  commitments: Commitment[]
  communes: Commune[]
}

/** Enroll a phone for the named cadre of the demo bloc and pull its unit's data, as the app does. */
export async function fieldOf(app: App, name = 'Lý Thị Dua'): Promise<Field> {
  const headers = await enrolledAs(app, name)
  const pulled = (await app.inject({ method: 'GET', url: '/api/pull', headers })).json<PullResponse>()
  if (!pulled.unit || !pulled.covenant) throw new Error(`${name} has no unit or covenant`)
  return { headers, unitId: pulled.unit.id, covenant: pulled.covenant, commitments: pulled.commitments, communes: pulled.communes }
}

export function commitmentOf(field: Field, measure: Commitment['measure']): Commitment {
  const found = field.commitments.find((item) => item.measure === measure)
  if (!found) throw new Error(`no ${measure} commitment`)
  return found
}

export const isoDay = (at: Date) => at.toISOString().slice(0, 10)

/** A report the endpoint accepts: today, in the cadre's first commune, one commitment done. */
export function reportOf(field: Field, changes: Partial<PushedReport> = {}): PushedReport {
  const now = new Date().toISOString()
  return {
    id: randomUUID(),
    unitId: field.unitId,
    communeId: field.communes[0]?.id ?? '',
    covenantId: field.covenant.id,
    visitDate: isoDay(new Date()),
    visitTime: '08:30',
    summary: 'Thăm 5 hộ nghèo ở thôn Lũng Pù, trao quà và hướng dẫn làm hồ sơ vay vốn.',
    location: { latitude: 23.1, longitude: 105.2, accuracy: 12, takenAt: now },
    entries: [
      { commitmentId: commitmentOf(field, 'done').id, status: 'done', amount: null, note: '' },
      { commitmentId: commitmentOf(field, 'count').id, status: 'not_started', amount: null, note: '' },
    ],
    photos: [],
    revision: 1,
    createdAt: now,
    updatedAt: now,
    ...changes,
  }
}

/** The tiny JPEG (16×12) Chromium's canvas made. */
const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAARCAAMABADASIAAhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABQME/8QAGRAAAgMBAAAAAAAAAAAAAAAAACECAwQx/8QAFAEBAAAAAAAAAAAAAAAAAAAABv/EABgRAAIDAAAAAAAAAAAAAAAAAAADAQIE/9oADAMBAAIRAxEAPwCWWjiGMtHEZssIpDGWEUgVpbIpZY//2Q==',
  'base64',
)
const MAX_COMMENT = 0xffff - 2

/**
 * A real JPEG of exactly `size` bytes: the tiny one with comment segments after its start
 * marker, the first beginning with `seed` so that different seeds give different photos.
 */
export function jpeg(size: number, seed = 'giao-uoc'): Buffer {
  const segments: Buffer[] = []
  let room = size - TINY_JPEG.length
  while (room > 0) {
    const length = Math.min(room - 4, MAX_COMMENT)
    if (length < (segments.length ? 0 : seed.length)) throw new RangeError(`jpeg(${size}, ${JSON.stringify(seed)}): cannot pad to that size`)
    const comment = Buffer.alloc(4 + length, '.')
    comment.writeUInt16BE(0xfffe, 0)
    comment.writeUInt16BE(length + 2, 2)
    if (!segments.length) comment.write(seed, 4)
    segments.push(comment)
    room -= comment.length
  }
  return Buffer.concat([TINY_JPEG.subarray(0, 2), ...segments, TINY_JPEG.subarray(2)])
}

export const sha256Of = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** A report's entry for a photo of these bytes. */
export function photoOf(bytes: Buffer, changes: Partial<PushedPhoto> = {}): PushedPhoto {
  return {
    id: randomUUID(),
    sha256: sha256Of(bytes),
    size: bytes.length,
    type: 'image/jpeg',
    width: 16,
    height: 12,
    caption: 'Trao quà cho hộ nghèo',
    takenAt: new Date().toISOString(),
    ...changes,
  }
}

export async function push(app: App, field: Field, reports: PushedReport[], device?: PushRequest['device']) {
  return app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports, ...(device && { device }) } })
}

/** Push and answer the one result, which must come with a 200. */
export async function pushOne(app: App, field: Field, report: PushedReport): Promise<PushResult> {
  const response = await push(app, field, [report])
  if (response.statusCode !== 200) throw new Error(`push answered ${response.statusCode}: ${response.body}`)
  const [result] = response.json<PushResponse>().results
  if (!result) throw new Error('no result')
  return result
}

/** An exemplary person the endpoint accepts, put forward in the cadre's covenant year. */
export function exemplarOf(field: Field, changes: Partial<PushedExemplar> = {}): PushedExemplar {
  const now = new Date().toISOString()
  return {
    id: randomUUID(),
    unitId: field.unitId,
    covenantId: field.covenant.id,
    kind: 'individual',
    nominee: 'Giàng A Páo',
    role: 'Trưởng thôn Lũng Pù',
    story: 'Vận động 12 hộ hiến đất làm đường liên thôn.',
    photos: [],
    revision: 1,
    createdAt: now,
    updatedAt: now,
    ...changes,
  }
}

/** Push exemplary cases alone and answer their results, which must come with a 200. */
export async function pushExemplars(app: App, field: Field, exemplars: PushedExemplar[]): Promise<ExemplarResult[]> {
  const response = await app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports: [], exemplars } })
  if (response.statusCode !== 200) throw new Error(`push answered ${response.statusCode}: ${response.body}`)
  return response.json<PushResponse>().exemplars
}
