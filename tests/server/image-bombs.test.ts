import fs from 'node:fs'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { UPLOADS_PATH, type PushedPhoto, type PushedReport } from '../../src/protocol'
import { uploadMessages } from '../../server/messages'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, sha256Of, type Field } from './field'
import { ADMIN_PASSWORD, logIn, receivePhoto } from './managers'
import { buildTestApp, tempDir } from './helper'

/**
 * Image bombs: a few bytes of JPEG whose header declares 10000×10000 pixels. The upload is
 * refused on the header alone, before anything decodes it; a photo already in the store is
 * never decoded past the thumbnail worker's bound, and a failed thumbnail is remembered, not
 * tried again on every request.
 */

/** A real JPEG of `size` bytes whose frame header declares `width`×`height`. */
function bomb(width: number, height: number, seed = 'bomb'): Buffer {
  const bytes = jpeg(2_000, seed)
  const frame = bytes.findIndex((byte, at) => byte === 0xff && bytes[at + 1] === 0xc0)
  if (frame < 0) throw new Error('no frame header')
  bytes.writeUInt16BE(height, frame + 5)
  bytes.writeUInt16BE(width, frame + 7)
  return bytes
}

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let dataDir: string
let field: Field
let base: string

beforeAll(async () => {
  dataDir = tempDir()
  app = await buildTestApp({ DATA_DIR: dataDir, ADMIN_PASSWORD })
  field = await fieldOf(app)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  base = `http://127.0.0.1:${address.port}`
}, 60_000)

afterAll(async () => {
  await app.close()
})

async function upload(report: PushedReport, photo: PushedPhoto, bytes: Buffer): Promise<Response> {
  const metadata = Object.entries({ photoId: photo.id, reportId: report.id, sha256: photo.sha256, filetype: photo.type })
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',')
  const headers = { ...field.headers, 'tus-resumable': '1.0.0' }
  const created = await fetch(`${base}${UPLOADS_PATH}`, { method: 'POST', headers: { ...headers, 'upload-length': String(bytes.length), 'upload-metadata': metadata } })
  expect(created.status).toBe(201)
  const url = new URL(created.headers.get('location') ?? '', base).href
  return fetch(url, { method: 'PATCH', headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: new Uint8Array(bytes) })
}

describe('an image bomb', () => {
  it('is refused at upload on its declared dimensions, and never reaches the store', async () => {
    const bytes = bomb(10_000, 10_000)
    const photo = photoOf(bytes)
    const report = reportOf(field, { photos: [photo] })
    expect((await pushOne(app, field, report)).outcome).toBe('accepted')
    const answer = await upload(report, photo, bytes)
    expect(answer.status).toBe(422)
    expect(await answer.json()).toMatchObject({ code: 'photo_too_many_pixels', message: uploadMessages.tooManyPixels(4096) })
    expect(fs.existsSync(path.join(dataDir, 'photos', photo.sha256.slice(0, 2), photo.sha256))).toBe(false)
  })

  it('is refused in a push that declares it, and a photo a phone sends (1600 px) still goes', async () => {
    const declared = await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: field.headers,
      payload: { reports: [reportOf(field, { photos: [photoOf(bomb(10_000, 10_000, 'declared'), { width: 10_000, height: 10_000 })] })] },
    })
    expect(declared.statusCode).toBe(400)
    const bytes = bomb(1600, 1200, 'phone')
    const photo = photoOf(bytes, { width: 1600, height: 1200 })
    const report = reportOf(field, { photos: [photo] })
    await pushOne(app, field, report)
    expect((await upload(report, photo, bytes)).status).toBe(204)
  })

  it('already in the store is not decoded past the bound, and its failed thumbnail is not tried again', async () => {
    const bytes = bomb(10_000, 10_000, 'stored')
    const photo = photoOf(bytes)
    const report = reportOf(field, { photos: [photo] })
    await pushOne(app, field, report)
    await receivePhoto(app, dataDir, bytes)
    const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
    const url = `/api/reports/${report.id}/photos/${photo.id}?size=thumb`
    const first = await app.inject({ method: 'GET', url, headers: admin })
    expect(first.statusCode).toBe(200)
    expect(sha256Of(first.rawPayload)).toBe(photo.sha256)
    const marked = () => app.db.selectFrom('photo_blob').select('thumbnail_error').where('sha256', '=', photo.sha256).executeTakeFirstOrThrow()
    // The worker's bound refused it on its header, before allocating the picture; every endpoint process reads that.
    expect((await marked()).thumbnail_error).toMatch(/maxResolutionInMP/)
    const tried = vi.spyOn(Worker.prototype, 'postMessage')
    const again = await app.inject({ method: 'GET', url, headers: admin })
    expect(again.statusCode).toBe(200)
    expect(sha256Of(again.rawPayload)).toBe(photo.sha256)
    expect(tried).not.toHaveBeenCalled()
    tried.mockRestore()
    expect(fs.existsSync(path.join(dataDir, 'thumbs', photo.sha256.slice(0, 2), `${photo.sha256}.jpg`))).toBe(false)
  })
})
