import { UPLOAD_ERROR_CODES, UPLOADS_PATH } from '@/protocol/constants'
import type { EnrollmentRow } from '@/db/database'
import { deferUpload, finishUpload, refuseUpload, requeueReport, setUploadUrl, type OutgoingPhoto } from '@/db/outbox'
import { markRevoked } from '@/db/reference'
import { ApiError, NetworkError } from './api'
import { TusRefusal, uploadByTus } from './tus'
import { backoffMs, classify, notFromEndpoint, type Failure } from './retry'

/** What an upload takes of the sync's options. */
export interface UploadOptions {
  fetch?: typeof fetch
  random?: () => number
  /** A chunk with no answer for this long is given up and tried again later. */
  timeoutMs?: number
}

/** tus chunks sized for 2G/3G: a cut costs at most this much again. */
export const CHUNK_BYTES = 256 * 1024

// The upload went wrong, not the photo. Out of step (409: a retried request raced the first) or
// locked (423): ask the endpoint where it stands, later. Gone (404, 410) or damaged on the way
// (422): a new upload, later.
const RESUME_UPLOAD = [409, 423]
const RESTART_UPLOAD = [404, 410, 422]

/** What a failed tus request means. `resume` and `restart`: try again later, from where the endpoint stands or afresh. */
function uploadFailure(error: unknown): Failure | { kind: 'resume' } | { kind: 'restart' } | { kind: 'push-first' } {
  if (!(error instanceof TusRefusal)) return classify(error instanceof NetworkError ? error : new NetworkError(error instanceof Error ? error.message : String(error)))
  // A captive portal's page is no answer: the photo waits for a real network.
  if (notFromEndpoint(error.status, error.code)) return classify(new NetworkError(`${error.status} not from the endpoint`))
  // The endpoint's copy of the report does not list this photo (yet): the report goes again first.
  if (error.code === UPLOAD_ERROR_CODES.photoNotListed) return { kind: 'push-first' }
  if (RESUME_UPLOAD.includes(error.status)) return { kind: 'resume' }
  if (RESTART_UPLOAD.includes(error.status)) return { kind: 'restart' }
  return classify(new ApiError(error.status, error.code, error.message, error.retryAfterMs))
}

/** Send one photo the endpoint asked for; what happened decides what the sync does next. */
export async function sendPhoto(
  enrollment: EnrollmentRow,
  { row, photo }: OutgoingPhoto,
  options: UploadOptions,
  now: () => Date,
  onProgress: (sent: number) => void,
): Promise<'sent' | 'waiting' | 'revoked' | 'refused'> {
  const random = options.random ?? Math.random
  try {
    // Only photos the endpoint holds are ever pruned; one without its bytes cannot be sent.
    if (!photo.blob) throw new Error(`photo ${photo.id} has no bytes`)
    await uploadByTus({
      endpoint: UPLOADS_PATH,
      url: row.url,
      blob: photo.blob,
      metadata: { photoId: photo.id, reportId: photo.reportId, sha256: photo.sha256, filetype: photo.type },
      headers: { authorization: `Bearer ${enrollment.token}` },
      chunkBytes: CHUNK_BYTES,
      timeoutMs: options.timeoutMs ?? 60_000,
      fetch: options.fetch,
      onUrl: (url) => setUploadUrl(photo.id, url),
      onProgress,
    })
  } catch (error) {
    const failure = uploadFailure(error)
    const later =
      (retryAfterMs = 0) =>
      (attempts: number) =>
        new Date(now().getTime() + backoffMs(attempts, random(), retryAfterMs))
    if (failure.kind === 'push-first') {
      await requeueReport(photo.reportId, now())
      return 'waiting'
    }
    if (failure.kind === 'resume' || failure.kind === 'restart') {
      if (failure.kind === 'restart') await setUploadUrl(photo.id, null)
      await deferUpload(photo.id, 'server', later())
      return 'waiting'
    }
    if (failure.kind === 'revoked') {
      await markRevoked(enrollment.deviceId, now())
      return 'revoked'
    }
    if (failure.kind === 'refused') {
      await refuseUpload(photo.id, failure.status, failure.message)
      return 'refused'
    }
    await deferUpload(photo.id, failure.error, later(failure.retryAfterMs))
    return 'waiting'
  }
  await finishUpload(photo.id, now())
  return 'sent'
}
