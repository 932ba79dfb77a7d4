import { STATUS_CODES } from 'node:http'
import path from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { FileStore } from '@tus/file-store'
import { Server, type CancellationContext, type ServerOptions, type Upload } from '@tus/server'
import { ERROR_CODES, UPLOAD_ERROR_CODES, UPLOAD_METADATA, UPLOADS_PATH } from '../../src/protocol'
import { deviceOf } from '../plugins/access'
import type { Caller } from '../services/access'
import { forbidden, invalid } from '../services/errors'
import { inspectPhoto, storePhoto, type InspectedPhoto } from '../services/photo-store'
import { isUnitReport, listedPhoto, photoProgress, recordPhotoBlob } from '../services/reports'

export interface UploadsOptions {
  /** Uploads under way, as tus keeps them (a file and its `.json`). */
  uploadsDir: string
  /** Received photos, by SHA-256. */
  photosDir: string
  photoMaxBytes: number
  /** The app's address: the only origin whose pages may upload. */
  publicUrl: string
}

const UPLOAD_EXPIRY_MS = 7 * 24 * 3600 * 1000

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0]
type Metadata = Record<(typeof UPLOAD_METADATA)[number], string>

/** A refusal tus answers with this status, and a body like every other route's error. */
class UploadRefusal extends Error {
  readonly status_code: number
  readonly body: string

  constructor(status: number, code: string, message: string) {
    super(message)
    this.status_code = status
    this.body = JSON.stringify({ statusCode: status, error: STATUS_CODES[status] ?? 'Error', message, code })
  }
}

/** tus sends its answers as text; ours are JSON, and say so. */
class PhotoUploads extends Server {
  override write(context: CancellationContext, headers: Headers, status: number, body = '') {
    if (body.startsWith('{')) headers.set('content-type', 'application/json; charset=utf-8')
    return super.write(context, headers, status, body)
  }
}

const UploadParams = Type.Object({ uploadId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }, { additionalProperties: false })

const megabytes = new Intl.NumberFormat('vi-VN', { maximumSignificantDigits: 2 })
const tooLarge = (limit: number) =>
  new UploadRefusal(413, UPLOAD_ERROR_CODES.photoTooLarge, `Ảnh quá lớn: máy chủ nhận ảnh đến ${megabytes.format(limit / 1024 / 1024)} MB.`)

/** The upload's metadata, or a 400 naming what is missing. */
function metadataOf(upload: Upload): Metadata {
  const metadata = upload.metadata ?? {}
  const missing = UPLOAD_METADATA.filter((key) => !metadata[key])
  if (missing.length) throw new UploadRefusal(400, ERROR_CODES.invalid, `Thiếu thông tin của ảnh (Upload-Metadata): ${missing.join(', ')}.`)
  return Object.fromEntries(UPLOAD_METADATA.map((key) => [key, metadata[key] ?? ''])) as Metadata
}

/**
 * Photos by tus (resumable uploads) at `UPLOADS_PATH`, for enrolled devices only, each for a photo
 * its report lists. A finished upload is checked (size, real type, SHA-256) and moved into the
 * content-addressed photo store; one that fails is removed. Fastify parses no body here: tus reads
 * each request's bytes itself, as they arrive.
 */
const uploads: FastifyPluginAsyncTypebox<UploadsOptions> = (app, { uploadsDir, photosDir, photoMaxBytes, publicUrl }) => {
  // Uploads left unfinished (a reset phone, a photo edited out) go after a week; a phone that
  // comes back to one then starts it again.
  const datastore = new FileStore({ directory: uploadsDir, expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS })
  // tus hands its hooks its own request object; this finds the caller requireDevice found.
  const callers = new WeakMap<object, Caller>()
  const unitOf = (request: TusRequest) => {
    const raw = request.runtime?.node?.req
    const caller = raw && callers.get(raw)
    if (!caller) throw new UploadRefusal(401, ERROR_CODES.unauthorized, 'An Authorization: Bearer token is required')
    return caller.member.unitId
  }

  /** Before anything is stored: the metadata, the size, and a photo of the caller's unit that its report lists. */
  async function checkCreation(request: TusRequest, upload: Upload): Promise<void> {
    const { reportId, photoId, sha256 } = metadataOf(upload)
    if (upload.size === undefined) throw new UploadRefusal(400, ERROR_CODES.invalid, 'Cần cho biết kích thước ảnh (Upload-Length).')
    if (upload.size > photoMaxBytes) throw tooLarge(photoMaxBytes)
    if (!(await isUnitReport(app.db, reportId, unitOf(request)))) {
      throw new UploadRefusal(403, ERROR_CODES.forbidden, 'Báo cáo của ảnh này không thuộc đơn vị của bạn.')
    }
    const listed = await listedPhoto(app.db, reportId, photoId)
    if (listed?.sha256 !== sha256 || listed.size !== upload.size) {
      throw new UploadRefusal(409, UPLOAD_ERROR_CODES.photoNotListed, 'Báo cáo trên máy chủ không có ảnh này, hoặc ảnh đã khác. Hãy gửi lại báo cáo trước.')
    }
  }

  /** The bytes are the photo announced: not too big (the limit may have been lowered since), an image, the right SHA-256. */
  async function checkedPhoto(file: string, sha256: string): Promise<InspectedPhoto & { type: NonNullable<InspectedPhoto['type']> }> {
    const found = await inspectPhoto(file)
    if (found.size > photoMaxBytes) throw tooLarge(photoMaxBytes)
    if (!found.type) throw new UploadRefusal(415, UPLOAD_ERROR_CODES.notAnImage, 'Tệp gửi lên không phải là ảnh JPEG, PNG hay WebP.')
    if (found.sha256 !== sha256) {
      throw new UploadRefusal(422, UPLOAD_ERROR_CODES.hashMismatch, 'Ảnh nhận được bị sai lệch so với ảnh trên máy (SHA-256 khác). Hãy gửi lại.')
    }
    return { ...found, type: found.type }
  }

  /**
   * Into the photo store, then received in the database. A finished upload is kept (its file is
   * a hard link to the stored photo, so it costs no space): a phone that lost the answer asks
   * again and hears "complete" instead of sending the photo twice. One that fails its checks is
   * removed, so that it can never look complete.
   */
  async function finish(upload: Upload): Promise<void> {
    const { reportId, photoId, sha256 } = metadataOf(upload)
    const file = path.join(uploadsDir, upload.id)
    try {
      const photo = await checkedPhoto(file, sha256)
      await storePhoto(file, photosDir, photo.sha256)
      await recordPhotoBlob(app.db, photo)
    } catch (error) {
      await datastore.remove(upload.id)
      throw error
    }
    const { complete } = await photoProgress(app.db, reportId)
    app.log.info({ reportId, photoId, sha256, complete }, 'photo received')
  }

  const tus = new PhotoUploads({
    path: UPLOADS_PATH,
    datastore,
    // Relative, so the address stays right behind a reverse proxy with HTTPS.
    relativeLocation: true,
    allowedOrigins: [new URL(publicUrl).origin],
    onUploadCreate: async (request, upload) => {
      await checkCreation(request, upload)
      return {}
    },
    onUploadFinish: async (_request, upload) => {
      await finish(upload)
      return {}
    },
  })

  /**
   * An upload belongs to the unit of its report: another unit's device may neither see nor touch
   * it. tus finds the upload from the whole address, so one with a query string, which could
   * name another upload than the path checked here, is refused.
   */
  async function requireOwnUpload(request: FastifyRequest<{ Params: { uploadId: string } }>): Promise<void> {
    await app.requireDevice(request)
    const { member } = deviceOf(request)
    if (request.raw.url?.includes('?')) throw invalid('An upload address takes no query string')
    // tus answers itself for an upload it does not have.
    const upload = await datastore.getUpload(request.params.uploadId).catch(() => null)
    if (!upload) return
    if (!(await isUnitReport(app.db, upload.metadata?.reportId ?? '', member.unitId))) {
      throw forbidden('Ảnh này thuộc báo cáo của đơn vị khác.')
    }
    // Every byte arrived but the endpoint stopped before checking them (killed, power cut):
    // finish now, or the phone, told the upload is complete, would never send the photo again.
    if (upload.size !== undefined && upload.offset === upload.size && !(await isReceived(upload))) await finish(upload).catch(() => undefined)
  }

  async function isReceived(upload: Upload): Promise<boolean> {
    const { reportId, photoId } = metadataOf(upload)
    return (await listedPhoto(app.db, reportId, photoId))?.receivedAt != null
  }

  // OPTIONS (a browser's preflight) carries no token.
  const exceptOptions =
    <R extends FastifyRequest>(check: (request: R) => Promise<void>) =>
    async (request: R) => {
      if (request.method !== 'OPTIONS') await check(request)
    }

  const handOver = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.caller) callers.set(request.raw, request.caller)
    reply.hijack()
    await tus.handle(request.raw, reply.raw)
  }

  const sweep = setInterval(() => void tus.cleanUpExpiredUploads().catch((error: unknown) => app.log.warn({ error }, 'could not sweep expired uploads')), 3600 * 1000)
  sweep.unref()
  app.addHook('onClose', () => clearInterval(sweep))

  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', (_request, _payload, done) => done(null))

  app.route({
    method: ['POST', 'OPTIONS'],
    url: UPLOADS_PATH,
    schema: { hide: true },
    preHandler: exceptOptions(app.requireDevice),
    handler: handOver,
  })
  app.route({
    method: ['HEAD', 'PATCH', 'DELETE', 'OPTIONS'],
    url: `${UPLOADS_PATH}/:uploadId`,
    schema: { hide: true, params: UploadParams },
    preHandler: exceptOptions(requireOwnUpload),
    handler: handOver,
  })
  return Promise.resolve()
}

export default uploads
