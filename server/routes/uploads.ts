import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from '@sinclair/typebox'
import { FileStore } from '@tus/file-store'
import { Server, type CancellationContext, type ServerOptions } from '@tus/server'
import { UPLOADS_PATH } from '../../src/protocol'
import { deviceOf } from '../plugins/access'
import type { Caller } from '../services/access'
import { errorBody, Refusal, statusRefusal, tooManyAttempts } from '../services/errors'
import { limiter } from '../services/failures'
import { uploadLocks } from '../services/upload-locks'
import type { PhotoStore } from '../services/photo-store'
import { photoUploads } from '../services/uploads'

export interface UploadsOptions {
  /** Uploads under way, as tus keeps them (a file and its `.json`). */
  uploadsDir: string
  /** Received photos, by SHA-256. */
  photos: PhotoStore
  photoMaxBytes: number
  /** Photo uploads one phone may begin in a day: far above a month's backlog or a restored file, so that only a runaway or stolen token meets it. */
  photosPerDay: number
  /** With PostgreSQL, uploads are locked there too, for every endpoint process (`services/upload-locks.ts`). */
  databaseUrl: string | undefined
  /** The app's address: the only origin whose pages may upload. */
  publicUrl: string
}

const UPLOAD_EXPIRY_MS = 24 * 3600 * 1000

type TusRequest = Parameters<NonNullable<ServerOptions['onUploadCreate']>>[0]

/**
 * tus sends its answers as text; ours are JSON, and say so. A refusal of tus's own (an upload
 * gone, an offset out of step) becomes the endpoint's JSON error with a code, as every refusal
 * is: the phone tells the endpoint's answers from a captive portal's pages by it.
 */
class PhotoUploads extends Server {
  override write(context: CancellationContext, headers: Headers, status: number, body = '') {
    const answer = status >= 400 && status < 500 && !body.startsWith('{') ? JSON.stringify(statusRefusal(status, body.trim())) : body
    if (answer.startsWith('{')) headers.set('content-type', 'application/json; charset=utf-8')
    return super.write(context, headers, status, answer)
  }
}

const UploadParams = Type.Object({ uploadId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }, { additionalProperties: false })

/**
 * Photos by tus (resumable uploads) at `UPLOADS_PATH`, for enrolled devices only; what is checked
 * on creation, on the last byte and on HEAD, PATCH and DELETE is `services/uploads.ts`'s. Fastify
 * parses no body here: tus reads each request's bytes itself, as they arrive.
 */
const uploads: FastifyPluginAsyncTypebox<UploadsOptions> = (app, { uploadsDir, photos, photoMaxBytes, photosPerDay, publicUrl, databaseUrl }) => {
  // Uploads left unfinished (a reset phone, a photo edited out) go after a day, so that
  // abandoned ones do not fill the disk; a phone that comes back to one later starts it again.
  const datastore = new FileStore({ directory: uploadsDir, expirationPeriodInMilliseconds: UPLOAD_EXPIRY_MS })
  const checks = photoUploads({ db: app.db, store: datastore, uploadsDir, photos, photoMaxBytes, log: app.log })
  // tus hands its hooks its own request object; this finds the caller requireDevice found.
  const callers = new WeakMap<object, Caller>()
  const unitOf = (request: TusRequest) => {
    const raw = request.runtime?.node?.req
    return deviceOf({ caller: (raw && callers.get(raw)) ?? null }).member.unitId
  }

  const locks = uploadLocks(databaseUrl)
  app.addHook('onClose', () => locks.close())
  const tus = new PhotoUploads({
    path: UPLOADS_PATH,
    datastore,
    locker: locks.locker,
    // Relative, so the address stays right behind a reverse proxy with HTTPS.
    relativeLocation: true,
    allowedOrigins: [new URL(publicUrl).origin],
    onUploadCreate: async (request, upload) => {
      await checks.checkCreation(unitOf(request), upload)
      return {}
    },
    onUploadFinish: async (_request, upload) => {
      await checks.finish(upload)
      return {}
    },
    // A refusal has the same body as every other route's error.
    onResponseError: (_request, error) => (error instanceof Refusal ? { status_code: error.statusCode, body: JSON.stringify(errorBody(error)) } : undefined),
  })

  const requireOwnUpload = async (request: FastifyRequest<{ Params: { uploadId: string } }>) => {
    await app.requireDevice(request)
    await checks.checkOwnUpload(deviceOf(request).member.unitId, request.params.uploadId, request.raw.url ?? '')
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

  // Each upload begun counts against the phone's photos of the day.
  const begun = limiter(app.db, 'device-photos', photosPerDay, 24 * 3600 * 1000)
  const requireDeviceWithin = async (request: FastifyRequest) => {
    await app.requireDevice(request)
    const { deviceId } = deviceOf(request)
    const wait = await begun.take(deviceId)
    if (wait > 0) throw tooManyAttempts(wait, `This device has begun ${photosPerDay} photo uploads today; try again in ${Math.ceil(wait / 60)} minutes`)
  }

  app.route({
    method: ['POST', 'OPTIONS'],
    url: UPLOADS_PATH,
    schema: { hide: true },
    preHandler: exceptOptions(requireDeviceWithin),
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
