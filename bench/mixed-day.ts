import { createHash, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import jpeg from 'jpeg-js'
import type { Figure } from './figure'
import { BATCH, enrollFleet, OFFERED, phoneDay, storedOf, type BenchPhoto, type Pushed } from './fleet'
import { expectStatus, runOpenLoop, type Planned } from './open-loop'
import { machineLoad, withRig } from './phone'

/** One push in `PHOTO_EVERY` carries a photo: five uploads a second at the offered rate. */
const PHOTO_EVERY = 8
/** How often the dashboard is read: the progress matrix (the whole year, read a page at a time) and a page of the report list. */
const DASHBOARD_EVERY_MS = { progress: 20_000, reports: 2000 } as const
/** The app's `CHUNK_BYTES` (src/sync/uploads.ts). */
const CHUNK_BYTES = 256 * 1024
const PHOTO = { width: 1280, height: 960 } as const

/** A camera-like JPEG of about 300 KB: a gradient under grain, which compresses as a photo does. */
function basePhoto(): Buffer {
  const { width, height } = PHOTO
  const data = Buffer.alloc(width * height * 4)
  let seed = 1
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      const grain = (seed >> 16) % 44
      const at = (y * width + x) * 4
      data[at] = (x * 200) / width + grain
      data[at + 1] = (y * 180) / height + grain
      data[at + 2] = 110 + grain
      data[at + 3] = 255
    }
  }
  return jpeg.encode({ data, width, height }, 80).data
}

/** `base` made unique by a comment segment after its start-of-image marker: new bytes, the same picture. */
function uniquePhoto(base: Buffer): { bytes: Buffer; photo: BenchPhoto } {
  const text = Buffer.from(randomUUID())
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, text.length + 2]), text])
  const bytes = Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)])
  const photo: BenchPhoto = {
    id: randomUUID(),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    size: bytes.length,
    type: 'image/jpeg',
    ...PHOTO,
    caption: 'Trao quà cho hộ nghèo',
    takenAt: new Date().toISOString(),
  }
  return { bytes, photo }
}

/** A tus 1.0 upload as the app makes one: create, then PATCH `CHUNK_BYTES` at a time. */
async function tusUpload(url: string, token: string, bytes: Buffer, metadata: Record<string, string>): Promise<void> {
  const headers = { 'tus-resumable': '1.0.0', authorization: `Bearer ${token}` }
  const encoded = Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',')
  const created = await expectStatus(`${url}/api/uploads`, { method: 'POST', headers: { ...headers, 'upload-length': String(bytes.length), 'upload-metadata': encoded } }, 201)
  const location = new URL(created.headers.get('location') ?? '', url).href
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) {
    const body = new Uint8Array(bytes.subarray(offset, offset + CHUNK_BYTES))
    await expectStatus(location, { method: 'PATCH', headers: { ...headers, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body }, 204)
  }
}

/** Resident memory of a process, from /proc (Linux). */
function residentMb(pid: number): number {
  const kb = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  return Math.round(Number(kb) / 1024)
}

/**
 * A day of a bloc in a minute, open loop: the ingest schedule (pushes and pulls), with one push
 * in `PHOTO_EVERY` carrying a 300 KB photo uploaded by tus once the push is answered, and the
 * dashboard reading the progress matrix and the report list. p99 per route, errors, and the
 * endpoint's memory at the end.
 */
export function run(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const fleet = await enrollFleet(rig, OFFERED.devices)
    const admin = await rig.admin()
    const year = fleet.pulled.covenant?.year ?? new Date().getFullYear()
    const base = basePhoto()
    const photos = new Map<number, { bytes: Buffer; photo: BenchPhoto }>()
    /** Each photo push's first report (the photo's) and its answer to come. */
    const pushed = new Map<number, { reportId: string; answer: Promise<Pushed> }>()
    const { plan, pushes, reportIds } = phoneDay(fleet, {
      photo: (index) => {
        if (index % PHOTO_EVERY) return undefined
        const made = uniquePhoto(base)
        photos.set(index, made)
        return made.photo
      },
      onPush: (index, items, answer) => void pushed.set(index, { reportId: items[0]?.id ?? '', answer }),
    })
    const uploads: Planned[] = pushes.flatMap(({ index, at, device }) => {
      const made = photos.get(index)
      if (!made) return []
      const token = fleet.tokens[device] ?? ''
      return [
        {
          // Half a second after its push was due: the phone uploads once the push is answered.
          at: at + 500,
          route: 'photo',
          send: async () => {
            const push = pushed.get(index)
            if (!push || !(await push.answer).missingPhotos.includes(made.photo.id)) throw new Error('the push did not ask for its photo')
            await tusUpload(fleet.url, token, made.bytes, { photoId: made.photo.id, reportId: push.reportId, sha256: made.photo.sha256, filetype: 'image/jpeg' })
          },
        },
      ]
    })
    const reads: Planned[] = (['progress', 'reports'] as const).flatMap((kind) =>
      Array.from({ length: (OFFERED.seconds * 1000) / DASHBOARD_EVERY_MS[kind] }, (_, index) => {
        const path = kind === 'progress' ? `/api/progress?year=${year}` : `/api/reports?year=${year}&limit=50&offset=0`
        return {
          at: index * DASHBOARD_EVERY_MS[kind] + 250,
          route: kind === 'progress' ? 'progress matrix' : 'report list',
          send: async () => void (await expectStatus(`${fleet.url}${path}`, { headers: { authorization: `Bearer ${admin}` } }, 200)).arrayBuffer(),
        }
      }),
    )
    const loadBefore = machineLoad()
    const result = await runOpenLoop([...plan, ...uploads, ...reads])
    const loadAfter = machineLoad()
    const memory = residentMb(rig.endpoint.pid)
    await rig.endpoint.stop()
    const stored = storedOf(rig.dataDir, reportIds)
    const errors = result.routes.reduce((sum, route) => sum + route.errors, 0) + reportIds.length - stored
    const setup = `${OFFERED.devices} devices offering ${(OFFERED.pushesPerSecond * BATCH).toLocaleString('en')} reports a second (${OFFERED.pushesPerSecond} pushes of ${BATCH}), pulling between pushes, one push in ${PHOTO_EVERY} with a ${Math.round(base.length / 1024)} KB JPEG uploaded by tus in ${CHUNK_BYTES / 1024} KB chunks, the dashboard reading the progress matrix every ${DASHBOARD_EVERY_MS.progress / 1000} s and a page of the report list every ${DASHBOARD_EVERY_MS.reports / 1000} s, for ${OFFERED.seconds} s, open loop; generator at most ${result.maxLagMs} ms late; ${loadBefore} before, ${loadAfter} after`
    return [
      ...result.routes.map((route) => ({
        name: `mixed-day.${route.route.replace(/ /g, '-')}`,
        value: route.p99,
        unit: 'ms p99',
        budget: null,
        conditions: `${route.sent} requests, ${route.errors} errors${route.errors ? ` (${route.firstErrors.join('; ')})` : ''}, p50 ${route.p50} ms, max ${route.max} ms; ${setup}`,
      })),
      {
        name: 'mixed-day.errors',
        value: errors,
        unit: 'errors',
        budget: { max: 0 },
        conditions: `failed requests on every route, plus reports sent and not stored (${stored.toLocaleString('en')} of ${reportIds.length.toLocaleString('en')} stored); ${setup}`,
      },
      { name: 'mixed-day.memory', value: memory, unit: 'MB', budget: null, conditions: `the endpoint process's resident memory (VmRSS) at the end of the day; ${setup}` },
    ]
  })
}
