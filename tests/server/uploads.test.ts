import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { UPLOADS_PATH, type PushedPhoto, type PushedReport } from '../../src/protocol'
import { photoProgress } from '../../server/services/photos'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, type Field } from './field'
import { buildTestApp, listening, tempDir } from './helper'
import { NetworkError } from '../../src/sync/api'
import { encodeMetadata, uploadByTus, type TusUpload } from '../../src/sync/tus'

type Headers = Record<string, string>

const TUS = { 'tus-resumable': '1.0.0' }

/** An endpoint with its data folder, a cadre's phone, and a pushed report listing photos of these bytes. */
async function reportWithPhotos(env: NodeJS.ProcessEnv, ...contents: Buffer[]) {
  const dataDir = tempDir()
  const app = await buildTestApp({ DATA_DIR: dataDir, ...env })
  const field = await fieldOf(app)
  const photos = contents.map((bytes) => photoOf(bytes))
  const report = reportOf(field, { photos })
  await pushOne(app, field, report)
  return { app, dataDir, field, report, photos, base: await listening(app) }
}

const metadataOf = (photo: PushedPhoto, report: PushedReport) => ({ photoId: photo.id, reportId: report.id, sha256: photo.sha256, filetype: photo.type })

async function create(base: string, headers: Headers, length: number, metadata: Record<string, string>) {
  return fetch(`${base}${UPLOADS_PATH}`, { method: 'POST', headers: { ...headers, ...TUS, 'upload-length': String(length), 'upload-metadata': encodeMetadata(metadata) } })
}

/** Create the upload of a listed photo; answers its address. */
async function created(base: string, field: Field, photo: PushedPhoto, report: PushedReport): Promise<string> {
  const response = await create(base, field.headers, photo.size, metadataOf(photo, report))
  expect(response.status).toBe(201)
  return new URL(response.headers.get('location') ?? '', base).href
}

/** The app's tus client sending `bytes` as the listed photo, in 8 KB chunks, creating its upload. */
const byTus = (base: string, field: Field, photo: PushedPhoto, report: PushedReport, bytes: Buffer): TusUpload => ({
  endpoint: `${base}${UPLOADS_PATH}`,
  url: null,
  blob: new Blob([new Uint8Array(bytes)]),
  metadata: metadataOf(photo, report),
  headers: field.headers,
  chunkBytes: 8_000,
  timeoutMs: 10_000,
  onUrl: () => Promise.resolve(),
  onProgress: () => undefined,
})

async function patch(url: string, headers: Headers, offset: number, bytes: Buffer) {
  return fetch(url, {
    method: 'PATCH',
    headers: { ...headers, ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
    body: new Uint8Array(bytes),
  })
}

async function head(url: string, headers: Headers) {
  return fetch(url, { method: 'HEAD', headers: { ...headers, ...TUS } })
}

/** A PATCH whose connection drops after `sent` of its bytes, as on a weak network. */
function interruptedPatch(url: string, headers: Headers, offset: number, bytes: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const request = http.request(url, {
      method: 'PATCH',
      headers: { ...headers, ...TUS, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes.length) },
    })
    request.on('error', () => resolve())
    request.write(bytes.subarray(0, sent), () => {
      setTimeout(() => {
        request.destroy()
        resolve()
      }, 100)
    })
  })
}

/** The offset HEAD gives once the endpoint has let go of an interrupted request. */
async function settledOffset(url: string, headers: Headers, above: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await head(url, headers)
    const offset = Number(response.headers.get('upload-offset'))
    if (response.status === 200 && offset > above) return offset
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the offset never moved')
}

const filesUnder = (dir: string) =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((entry) => fs.statSync(path.join(dir, entry)).isFile()) : []
const blobFile = (dataDir: string, sha256: string) => path.join(dataDir, 'photos', sha256.slice(0, 2), sha256)

async function errorOf(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/)
  return (await response.json()) as { statusCode: number; error: string; message: string; code: string }
}

describe('photo uploads (tus)', () => {
  it('stores a JPEG sent in chunks, interrupted and resumed from the offset HEAD gives, once, by its SHA-256', async () => {
    const bytes = jpeg(40_000, 'resumed')
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes, jpeg(2_000, 'second'))
    const [photo, second] = photos
    if (!photo || !second) throw new Error('photos')
    const url = await created(base, field, photo, report)
    expect(url).toMatch(/\/api\/uploads\/[0-9a-f]{32}$/)

    const first = await patch(url, field.headers, 0, bytes.subarray(0, 10_000))
    expect(first.status).toBe(204)
    expect(first.headers.get('upload-offset')).toBe('10000')
    await interruptedPatch(url, field.headers, 10_000, bytes.subarray(10_000), 15_000)
    const offset = await settledOffset(url, field.headers, 10_000)
    expect(offset).toBeLessThan(bytes.length)
    const last = await patch(url, field.headers, offset, bytes.subarray(offset))
    expect(last.status).toBe(204)
    expect(last.headers.get('upload-offset')).toBe(String(bytes.length))

    expect(fs.readFileSync(blobFile(dataDir, photo.sha256))).toEqual(bytes)
    expect(filesUnder(path.join(dataDir, 'photos'))).toEqual([path.join(photo.sha256.slice(0, 2), photo.sha256)])
    // The finished upload stays, linked to the stored photo: asked again, it says "complete".
    const again = await head(url, field.headers)
    expect(again.status).toBe(200)
    expect(again.headers.get('upload-offset')).toBe(String(bytes.length))
    expect(fs.statSync(path.join(dataDir, 'uploads', url.split('/').pop() ?? '')).ino).toBe(fs.statSync(blobFile(dataDir, photo.sha256)).ino)
    expect(await app.db.selectFrom('photo_blob').select(['sha256', 'size', 'type']).execute()).toEqual([{ sha256: photo.sha256, size: bytes.length, type: 'image/jpeg' }])

    // The phone pushing the report again hears that only the second photo is missing now.
    expect(await pushOne(app, field, report)).toMatchObject({ outcome: 'duplicate', missingPhotos: [second.id] })
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [second.id], complete: false })
    const secondUrl = await created(base, field, second, report)
    expect((await patch(secondUrl, field.headers, 0, jpeg(2_000, 'second'))).status).toBe(204)
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [], complete: true })
  })

  it('resumes with the app’s own tus client where the endpoint stands, after a cut', async () => {
    const bytes = jpeg(30_000, 'tus over fetch')
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const requests: string[] = []
    let urls: string[] = []
    // The network goes after two chunks, as it does on a mountain road.
    const cutAfter =
      (patches: number): typeof fetch =>
      async (input, init) => {
        const offset = new Headers(init?.headers).get('upload-offset')
        requests.push(`${init?.method ?? 'GET'}${offset ? ` ${offset}` : ''}`)
        if (init?.method === 'PATCH' && requests.filter((line) => line.startsWith('PATCH')).length > patches) throw new TypeError('Failed to fetch')
        return fetch(input, init)
      }
    const upload = (url: string | null, send: typeof fetch) =>
      uploadByTus({
        ...byTus(base, field, photo, report, bytes),
        url,
        fetch: send,
        onUrl: (created) => {
          urls = [...urls, created]
          return Promise.resolve()
        },
      })

    await expect(upload(null, cutAfter(2))).rejects.toBeInstanceOf(NetworkError)
    expect(urls).toEqual([expect.stringMatching(new RegExp(`^${base}${UPLOADS_PATH}/[0-9a-f]{32}$`))])
    expect(requests).toEqual(['POST', 'PATCH 0', 'PATCH 8000', 'PATCH 16000'])

    requests.length = 0
    await upload(urls[0] ?? null, cutAfter(Infinity))
    // Only what the endpoint lacked went again, and no second upload was made.
    expect(requests).toEqual(['HEAD', 'PATCH 16000', 'PATCH 24000'])
    expect(urls).toHaveLength(1)
    expect(fs.readFileSync(blobFile(dataDir, photo.sha256))).toEqual(bytes)
    expect(await pushOne(app, field, report)).toMatchObject({ outcome: 'duplicate', missingPhotos: [] })
  })

  it('makes a new upload when the endpoint no longer has the old one, and never for a page that is not the endpoint’s', async () => {
    const bytes = jpeg(5_000, 'gone')
    const { field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const methods: string[] = []
    const options = (send: typeof fetch) => ({
      ...byTus(base, field, photo, report, bytes),
      // An address of the right shape that the endpoint never made.
      url: `${base}${UPLOADS_PATH}/${'0'.repeat(32)}`,
      fetch: send,
    })
    // A captive portal answers every request with its own 404 page: a refusal without the endpoint's code, and nothing created.
    const portal: typeof fetch = (_input, init) => {
      methods.push(init?.method ?? 'GET')
      return Promise.resolve(new Response(init?.method === 'HEAD' ? null : '<html>Đăng nhập Wi-Fi</html>', { status: 404, headers: { 'content-type': 'text/html' } }))
    }
    await expect(uploadByTus(options(portal))).rejects.toMatchObject({ name: 'TusRefusal', status: 404, code: undefined })
    expect(methods).toEqual(['HEAD'])

    // The endpoint's own 404 to HEAD has no body, but says it is JSON: the upload is made afresh.
    methods.length = 0
    const endpoint: typeof fetch = (input, init) => {
      methods.push(init?.method ?? 'GET')
      return fetch(input, init)
    }
    await uploadByTus(options(endpoint))
    expect(methods).toEqual(['HEAD', 'POST', 'PATCH'])
  })

  it('hears the endpoint’s refusal with its code from the app’s tus client', async () => {
    const bytes = jpeg(30_000, 'too big')
    const { field, report, photos, base } = await reportWithPhotos({ PHOTO_MAX_BYTES: '20000' }, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const refused = uploadByTus(byTus(base, field, photo, report, bytes))
    await expect(refused).rejects.toMatchObject({ name: 'TusRefusal', status: 413, code: 'photo_too_large' })
  })

  it('takes a photo bigger than the API’s 1 MB body limit in one PATCH', async () => {
    const bytes = jpeg(1_500_000, 'big')
    const { dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const response = await patch(await created(base, field, photo, report), field.headers, 0, bytes)
    expect(response.status).toBe(204)
    expect(fs.statSync(blobFile(dataDir, photo.sha256)).size).toBe(bytes.length)
  })

  it('stores the same bytes once, however often and for however many photos or units they come', async () => {
    const bytes = jpeg(3_000, 'twice')
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes, bytes)
    const [one, two] = photos
    if (!one || !two) throw new Error('photos')
    expect((await patch(await created(base, field, one, report), field.headers, 0, bytes)).status).toBe(204)
    // Both photos have these bytes: both are received.
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [], complete: true })
    // Sent again all the same: taken, and still stored once.
    expect((await patch(await created(base, field, two, report), field.headers, 0, bytes)).status).toBe(204)
    // Another report of the unit with the same photo needs no upload at all.
    expect(await pushOne(app, field, reportOf(field, { photos: [photoOf(bytes)] }))).toMatchObject({ outcome: 'accepted', missingPhotos: [] })
    // A phone of another bloc listing the same bytes sends them itself, and they are still stored once.
    const stranger = await fieldOf(app, 'Nông Thị Hiền')
    const theirs = photoOf(bytes)
    const report2 = reportOf(stranger, { photos: [theirs] })
    expect(await pushOne(app, stranger, report2)).toMatchObject({ outcome: 'accepted', missingPhotos: [theirs.id] })
    const theirUpload = await created(base, stranger, theirs, report2)
    expect((await patch(theirUpload, stranger.headers, 0, bytes)).status).toBe(204)
    // The finished upload, kept to answer "complete", is a link to the stored photo: no second copy.
    expect(fs.statSync(path.join(dataDir, 'uploads', theirUpload.split('/').pop() ?? '')).ino).toBe(fs.statSync(blobFile(dataDir, theirs.sha256)).ino)
    expect(await photoProgress(app.db, report2.id)).toEqual({ missingPhotos: [], complete: true })
    expect(filesUnder(path.join(dataDir, 'photos'))).toHaveLength(1)
    expect(await app.db.selectFrom('photo_blob').select('sha256').execute()).toHaveLength(1)
  })

  it('finishes, when asked about it, an upload whose bytes all arrived before the endpoint stopped', async () => {
    const bytes = jpeg(4_000, 'killed')
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const url = await created(base, field, photo, report)
    expect((await patch(url, field.headers, 0, bytes)).status).toBe(204)
    // As if killed between the last byte and the checks: the bytes are there, nothing else.
    fs.rmSync(blobFile(dataDir, photo.sha256))
    await app.db.deleteFrom('photo_blob').execute()
    await app.db.updateTable('photo').set({ received_at: null }).execute()
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [photo.id], complete: false })

    const resumed = await head(url, field.headers)
    expect(resumed.status).toBe(200)
    expect(resumed.headers.get('upload-offset')).toBe(String(bytes.length))
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [], complete: true })
    expect(fs.readFileSync(blobFile(dataDir, photo.sha256))).toEqual(bytes)
  })
})

describe('photo upload refusals', () => {
  it('refuses a photo over PHOTO_MAX_BYTES with a 413 before a byte is sent', async () => {
    const { dataDir, field, report, photos, base } = await reportWithPhotos({ PHOTO_MAX_BYTES: '20000' }, jpeg(30_000))
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const response = await create(base, field.headers, photo.size, metadataOf(photo, report))
    expect(response.status).toBe(413)
    expect(await errorOf(response)).toMatchObject({ statusCode: 413, error: 'Payload Too Large', code: 'photo_too_large', message: expect.stringContaining('MB') as string })
    expect(filesUnder(path.join(dataDir, 'uploads'))).toEqual([])
  })

  it('refuses what is not an image with a 415 once it has arrived, and removes it', async () => {
    const text = Buffer.from('Đây không phải là ảnh. '.repeat(40))
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, text)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const url = await created(base, field, photo, report)
    const response = await patch(url, field.headers, 0, text)
    expect(response.status).toBe(415)
    expect(await errorOf(response)).toMatchObject({ code: 'not_an_image', message: expect.stringContaining('không phải là ảnh') as string })
    expect((await head(url, field.headers)).status).toBe(404)
    // tus's own refusals are the endpoint's JSON errors with a code too: a phone tells them from a captive portal's pages.
    const gone = await patch(url, field.headers, 0, text)
    expect(gone.status).toBe(404)
    expect(await errorOf(gone)).toMatchObject({ statusCode: 404, code: 'not_found' })
    expect(filesUnder(dataDir).filter((file) => !file.startsWith('giao-uoc.sqlite'))).toEqual([])
    expect(await photoProgress(app.db, report.id)).toEqual({ missingPhotos: [photo.id], complete: false })
  })

  it('refuses bytes without the announced SHA-256 with a 422, and removes them', async () => {
    const { app, dataDir, field, report, photos, base } = await reportWithPhotos({}, jpeg(2_000, 'announced'))
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const url = await created(base, field, photo, report)
    const response = await patch(url, field.headers, 0, jpeg(2_000, 'something else'))
    expect(response.status).toBe(422)
    expect(await errorOf(response)).toMatchObject({ statusCode: 422, code: 'photo_hash_mismatch' })
    expect((await head(url, field.headers)).status).toBe(404)
    expect(filesUnder(path.join(dataDir, 'photos'))).toEqual([])
    expect(await app.db.selectFrom('photo_blob').select('sha256').execute()).toEqual([])
  })

  it('refuses incomplete metadata with a 400, and a photo its report does not list with a 409', async () => {
    const bytes = jpeg(2_000)
    const { field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const withoutHash: Record<string, string> = metadataOf(photo, report)
    delete withoutHash.sha256
    const incomplete = await create(base, field.headers, photo.size, withoutHash)
    expect(incomplete.status).toBe(400)
    expect(await errorOf(incomplete)).toMatchObject({ code: 'invalid', message: expect.stringContaining('sha256') as string })

    const other = photoOf(jpeg(2_000, 'not listed'))
    for (const [length, metadata] of [
      [other.size, metadataOf(other, report)],
      [photo.size, { ...metadataOf(photo, report), sha256: other.sha256 }],
      [photo.size + 1, metadataOf(photo, report)],
    ] as const) {
      const response = await create(base, field.headers, length, metadata)
      expect(response.status).toBe(409)
      expect(await errorOf(response)).toMatchObject({ code: 'photo_not_listed' })
    }
  })

  it('refuses uploads for another unit’s report: 403 at creation, and for HEAD, PATCH and DELETE of its uploads', async () => {
    const bytes = jpeg(2_000)
    const { app, field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const other = await fieldOf(app, 'Giàng Seo Chứ')

    const creation = await create(base, other.headers, photo.size, metadataOf(photo, report))
    expect(creation.status).toBe(403)
    expect(await errorOf(creation)).toMatchObject({ code: 'forbidden' })
    // A report that does not exist is refused the same way.
    const unknown = await create(base, other.headers, photo.size, { ...metadataOf(photo, report), reportId: crypto.randomUUID() })
    expect(unknown.status).toBe(403)

    const url = await created(base, field, photo, report)
    expect((await head(url, other.headers)).status).toBe(403)
    const patched = await patch(url, other.headers, 0, bytes)
    expect(patched.status).toBe(403)
    expect(await errorOf(patched)).toMatchObject({ code: 'forbidden' })
    expect((await fetch(url, { method: 'DELETE', headers: { ...other.headers, ...TUS } })).status).toBe(403)
    const own = await head(url, field.headers)
    expect(own.status).toBe(200)
    expect(own.headers.get('upload-offset')).toBe('0')
    // tus reads the upload's id from the end of the whole address: a query string could point
    // past the path checked for the unit, so any is refused.
    const sneaky = `${base}${UPLOADS_PATH}/${'0'.repeat(32)}?/${url.split('/').pop() ?? ''}`
    expect((await head(sneaky, other.headers)).status).toBe(400)
    expect((await patch(sneaky, other.headers, 0, bytes)).status).toBe(400)
  })

  it('refuses every upload request without a device token with a 401; OPTIONS is open', async () => {
    const bytes = jpeg(2_000)
    const { field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const anonymous = await create(base, {}, photo.size, metadataOf(photo, report))
    expect(anonymous.status).toBe(401)
    expect(await errorOf(anonymous)).toMatchObject({ code: 'unauthorized' })

    const url = await created(base, field, photo, report)
    const badToken = { authorization: 'Bearer gud_not-a-real-token' }
    expect((await head(url, badToken)).status).toBe(401)
    expect((await patch(url, {}, 0, bytes)).status).toBe(401)
    expect((await fetch(url, { method: 'DELETE', headers: TUS })).status).toBe(401)
    const options = await fetch(`${base}${UPLOADS_PATH}`, { method: 'OPTIONS' })
    expect(options.status).toBe(204)
    expect(options.headers.get('tus-version')).toBe('1.0.0')
    // The upload is untouched.
    expect((await head(url, field.headers)).headers.get('upload-offset')).toBe('0')
  })

  it('forgets an upload left unfinished for a day: a phone coming back to it starts it again', async () => {
    const bytes = jpeg(20_000, 'abandoned')
    const { dataDir, field, report, photos, base } = await reportWithPhotos({}, bytes)
    const [photo] = photos
    if (!photo) throw new Error('photo')
    const url = await created(base, field, photo, report)
    expect((await patch(url, field.headers, 0, bytes.subarray(0, 5_000))).status).toBe(204)
    // The upload was begun 25 hours ago.
    const info = path.join(dataDir, 'uploads', `${url.split('/').at(-1) ?? ''}.json`)
    const stored = JSON.parse(fs.readFileSync(info, 'utf8')) as { creation_date: string }
    fs.writeFileSync(info, JSON.stringify({ ...stored, creation_date: new Date(Date.now() - 25 * 3600 * 1000).toISOString() }))
    expect((await head(url, field.headers)).status).toBe(410)
    // Begun again, it goes.
    const again = await created(base, field, photo, report)
    expect((await patch(again, field.headers, 0, bytes)).status).toBe(204)
  })
})
