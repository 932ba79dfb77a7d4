import fs from 'node:fs'
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import S3rver from 's3rver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UPLOADS_PATH } from '../../src/protocol'
import { uploadByTus } from '../../src/sync/tus'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, sha256Of } from './field'
import { buildTestApp, listening, tempDir } from './helper'
import { logIn } from './managers'

/**
 * Photos in an S3-compatible bucket (PHOTO_STORE), against s3rver: an S3 server in Node from
 * the npm registry, speaking the S3 protocol over real HTTP (no S3 server is packaged in Debian).
 * The SDK is set as the endpoint sets it, with checksums only where an operation needs one.
 */

const BUCKET = 'giao-uoc-photos'
const ADMIN_PASSWORD = 'mật khẩu của quản trị'
const credentials = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' }
let server: S3rver
let endpoint = ''
let client: S3Client
const saved = { ...process.env }

beforeAll(async () => {
  server = new S3rver({ port: 0, address: '127.0.0.1', directory: tempDir('giao-uoc-s3-'), silent: true })
  const { port } = await server.run()
  endpoint = `http://127.0.0.1:${port}`
  // The SDK reads its keys from the environment, as it would on a real deployment.
  Object.assign(process.env, credentials)
  client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: credentials.AWS_ACCESS_KEY_ID, secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }))
})

afterAll(async () => {
  client.destroy()
  await server.close()
  for (const key of Object.keys(credentials)) if (saved[key] === undefined) delete process.env[key]
})

const keyOf = (sha256: string) => `field/${sha256.slice(0, 2)}/${sha256}`
const objectOf = async (sha256: string) => Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: keyOf(sha256) }))).Body!.transformToByteArray())
const present = (sha256: string) =>
  client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: keyOf(sha256) })).then(
    () => true,
    () => false,
  )

describe('photos in an S3-compatible bucket', () => {
  it('are put there under their SHA-256 when they arrive, served from there to a machine without a copy, checked, and removed with their report', async () => {
    const dataDir = tempDir()
    const app = await buildTestApp({ DATA_DIR: dataDir, ADMIN_PASSWORD, PHOTO_STORE: `s3://${BUCKET}/field`, S3_ENDPOINT: endpoint })
    const field = await fieldOf(app)
    const [bytes, other] = [jpeg(70_000, 'ảnh trong kho S3'), jpeg(5_000, 'ảnh khác')]
    const photo = photoOf(bytes)
    const report = reportOf(field, { photos: [photo] })
    await pushOne(app, field, report)
    const base = await listening(app)
    await uploadByTus({
      endpoint: `${base}${UPLOADS_PATH}`,
      url: null,
      blob: new Blob([new Uint8Array(bytes)]),
      metadata: { photoId: photo.id, reportId: report.id, sha256: photo.sha256, filetype: photo.type },
      headers: field.headers,
      chunkBytes: 32_000,
      timeoutMs: 10_000,
      onUrl: () => Promise.resolve(),
      onProgress: () => undefined,
    })
    expect(sha256Of(await objectOf(photo.sha256))).toBe(photo.sha256)
    expect(await app.db.selectFrom('photo').select('received_at').where('id', '=', photo.id).executeTakeFirstOrThrow()).toMatchObject({ received_at: expect.any(String) })

    // Another machine: no copy in its photos folder. The photo and its thumbnail come from the bucket.
    fs.rmSync(`${dataDir}/photos`, { recursive: true, force: true })
    fs.rmSync(`${dataDir}/thumbs`, { recursive: true, force: true })
    const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
    const url = `/api/reports/${report.id}/photos/${photo.id}`
    const served = await app.inject({ method: 'GET', url, headers: admin })
    expect(served.statusCode).toBe(200)
    expect(sha256Of(served.rawPayload)).toBe(photo.sha256)
    const thumb = await app.inject({ method: 'GET', url: `${url}?size=thumb`, headers: admin })
    expect(thumb.statusCode).toBe(200)
    expect(thumb.headers['content-type']).toBe('image/jpeg')
    expect(thumb.rawPayload.length).toBeLessThan(bytes.length)

    // Bytes in the bucket that are not those of their name are never served.
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(photo.sha256), Body: other, ContentLength: other.length }))
    fs.rmSync(`${dataDir}/photos`, { recursive: true, force: true })
    expect((await app.inject({ method: 'GET', url, headers: admin })).statusCode).toBe(500)
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: keyOf(photo.sha256), Body: bytes, ContentLength: bytes.length }))

    const removed = await app.inject({ method: 'POST', url: `/api/reports/${report.id}/removal`, headers: admin, payload: { reason: 'Ảnh chụp nhầm' } })
    expect(removed.statusCode, removed.body).toBe(204)
    expect(await present(photo.sha256)).toBe(false)
  })
})
