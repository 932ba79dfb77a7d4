import { DetailedError, Upload } from 'tus-js-client'
import type { PushedReport, PushRequest, PushResponse, PushResult } from '@/protocol'
// Values from the protocol would bring TypeBox along: the codes the phone acts on are named here.
const UPLOAD_ERROR_CODES = { photoNotListed: 'photo_not_listed' } as const
import { isTouched } from '@/domain'
import type { EnrollmentRow } from '@/db/database'
import {
  applyPushAnswers,
  deferReports,
  deferUpload,
  dueReports,
  dueUploads,
  finishUpload,
  outboxSummary,
  pruneSentPhotos,
  refuseUpload,
  requeueReport,
  setUploadUrl,
  type Outgoing,
  type OutgoingPhoto,
  type PushAnswer,
} from '@/db/outbox'
import { getEnrollment, markRevoked } from '@/db/reference'
import { ApiError, NetworkError, requestJson, TimeoutError } from './api'
import { backoffMs, classify, takeBatch, type Failure } from './queue'
import { parseRetryAfter } from './retry-after'

/** Limits of one push, a little under the endpoint's (50 reports, 1 MB) to leave room for the envelope. */
export const PUSH_BATCH = { items: 50, bytes: 900 * 1024 } as const
/** tus chunks sized for 2G/3G: a cut costs at most this much again. */
export const CHUNK_BYTES = 256 * 1024
const UPLOADS_PATH = '/api/uploads'
const encoder = new TextEncoder()

export interface SyncOptions {
  fetch?: typeof fetch
  now?: () => Date
  random?: () => number
  /** A push or a chunk with no answer for this long is given up and tried again later. */
  timeoutMs?: number
  /** Progress of the whole sync: items sent of those waiting when it started, and the photo on its way. */
  onProgress?: (progress: SyncProgress) => void
  appVersion?: string
  /** "Đồng bộ ngay": try everything now, even what waits out a backoff. */
  ignoreBackoff?: boolean
}

export interface SyncProgress {
  done: number
  total: number
  photo: { id: string; sent: number; size: number } | null
}

/**
 * `done`: nothing left that is due; `waiting`: something failed for a passing reason and will
 * be tried again; `busy`: another tab is syncing; `revoked` / `not-enrolled`: nothing can be sent.
 */
export type SyncOutcome = 'done' | 'waiting' | 'busy' | 'revoked' | 'not-enrolled'

let running: Promise<SyncOutcome> | null = null

/**
 * Send what waits: queued reports first, in batches, then the photos the endpoint asked for,
 * in the order of their reports. One sync at a time: in this tab a second call joins the
 * first; across tabs the Web Lock lets one run and the others answer `busy`.
 */
export function syncOutbox(options: SyncOptions = {}): Promise<SyncOutcome> {
  running ??= withLockIfFree('giao-uoc-outbox', () => syncOnce(options)).finally(() => {
    running = null
  })
  return running
}

async function syncOnce(options: SyncOptions): Promise<SyncOutcome> {
  const enrollment = await getEnrollment()
  if (!enrollment) return 'not-enrolled'
  if (enrollment.revokedAt) return 'revoked'
  const now = options.now ?? (() => new Date())
  // Due times are compared with this: far ahead when the cadre asks to send everything now.
  const dueBy = () => (options.ignoreBackoff ? new Date(8.64e15) : now())
  const waitingAtStart = await outboxSummary()
  const progress: SyncProgress = { done: 0, total: waitingAtStart.reports + waitingAtStart.photos, photo: null }
  const report = () => options.onProgress?.({ ...progress })
  report()

  const pushed = await pushReports(enrollment, options, now, dueBy, (sent) => {
    progress.done += sent
    progress.total = Math.max(progress.total, progress.done)
    report()
  })
  if (pushed !== 'done') return pushed

  // A service worker has no XMLHttpRequest for tus: photos wait for the app to be opened.
  if (typeof XMLHttpRequest === 'undefined') return (await somethingWaits()) ? 'waiting' : 'done'
  // Photos the last push asked for count from here.
  progress.total = progress.done + (await outboxSummary()).photos
  for (const upload of await dueUploads(dueBy())) {
    const outcome = await sendPhoto(enrollment, upload, options, now, (sent) => {
      progress.photo = { id: upload.photo.id, sent, size: upload.photo.size }
      report()
    })
    progress.photo = null
    if (outcome === 'revoked') return 'revoked'
    if (outcome === 'waiting') return 'waiting'
    progress.done += 1
    report()
  }
  await pruneSentPhotos()
  return (await somethingWaits()) ? 'waiting' : 'done'
}

async function somethingWaits(): Promise<boolean> {
  const left = await outboxSummary()
  return left.reports + left.photos > 0
}

function toWire({ report, photos }: Outgoing): PushedReport {
  return {
    id: report.id,
    unitId: report.unitId,
    communeId: report.communeId,
    covenantId: report.covenantId,
    visitDate: report.visitDate,
    visitTime: report.visitTime,
    summary: report.summary,
    location: report.location,
    entries: report.entries.filter(isTouched),
    photos: photos.map((photo) => ({
      id: photo.id,
      sha256: photo.sha256,
      size: photo.size,
      type: photo.type as PushedReport['photos'][number]['type'],
      width: photo.width,
      height: photo.height,
      caption: photo.caption,
      takenAt: photo.takenAt,
    })),
    revision: report.revision,
    createdAt: report.createdAt,
    updatedAt: report.updatedAt,
  }
}

function answerOf(result: PushResult): PushAnswer {
  switch (result.outcome) {
    case 'accepted':
    case 'duplicate':
      return { id: result.id, outcome: 'stored', receipt: result.receipt, revision: result.revision, missingPhotos: result.missingPhotos }
    case 'conflict':
      return { id: result.id, outcome: 'conflict', receipt: result.receipt, revision: result.revision }
    case 'rejected':
      return { id: result.id, outcome: 'rejected', rejection: { code: result.code, reason: result.reason } }
  }
}

async function freeBytes(): Promise<number | null> {
  try {
    const estimate = await navigator.storage.estimate()
    return estimate.quota !== undefined && estimate.usage !== undefined ? Math.max(0, Math.round(estimate.quota - estimate.usage)) : null
  } catch {
    return null
  }
}

async function pushReports(
  enrollment: EnrollmentRow,
  options: SyncOptions,
  now: () => Date,
  dueBy: () => Date,
  onSent: (count: number) => void,
): Promise<SyncOutcome | 'done'> {
  const random = options.random ?? Math.random
  // Halved after the endpoint refuses a whole batch, to find the one report it refuses.
  let maxItems: number = PUSH_BATCH.items
  for (;;) {
    const due = await dueReports(dueBy(), maxItems)
    if (due.length === 0) return 'done'
    const wire = due.map(toWire)
    const batch = takeBatch(wire, (item) => encoder.encode(JSON.stringify(item)).length, maxItems, PUSH_BATCH.bytes)
    const summary = await outboxSummary()
    const body: PushRequest = {
      reports: batch,
      device: { appVersion: options.appVersion ?? 'unknown', waiting: summary.reports + summary.photos, freeBytes: await freeBytes() },
    }
    const sent = new Map(batch.map((item) => [item.id, item.revision]))
    try {
      const answer = await requestJson<PushResponse>('/api/push', {
        method: 'POST',
        token: enrollment.token,
        body,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs ?? 60_000,
      })
      const answers = answer.results.map(answerOf)
      await applyPushAnswers(sent, answers, now())
      // A report the endpoint did not answer for waits like after a failure, never lost.
      const unanswered = batch.filter((item) => !answers.some((result) => result.id === item.id)).map((item) => item.id)
      if (unanswered.length) await deferReports(unanswered, 'server', (attempts) => new Date(now().getTime() + backoffMs(attempts, random())))
      onSent(batch.length - unanswered.length)
      maxItems = PUSH_BATCH.items
    } catch (error) {
      const failure = classify(error)
      if (failure.kind === 'revoked') {
        await markRevoked(enrollment.deviceId, now())
        return 'revoked'
      }
      if (failure.kind === 'refused') {
        if (batch.length > 1) {
          maxItems = Math.ceil(batch.length / 2)
          continue
        }
        // One report alone that the endpoint cannot take: it goes back to the cadre with the reason.
        const only = batch[0]
        if (only) await applyPushAnswers(sent, [{ id: only.id, outcome: 'rejected', rejection: { code: 'invalid', reason: failure.message } }], now())
        continue
      }
      await deferReports([...sent.keys()], failure.error, (attempts) => new Date(now().getTime() + backoffMs(attempts, random(), failure.retryAfterMs)))
      return 'waiting'
    }
  }
}

/** The endpoint's answer to a failed tus request, if one came. */
function uploadAnswer(error: unknown): { status: number; code: string | undefined; message: string; retryAfterMs: number } | null {
  if (!(error instanceof DetailedError) || !error.originalResponse) return null
  const response = error.originalResponse
  let body: { code?: string; message?: string } = {}
  try {
    body = JSON.parse(response.getBody()) as typeof body
  } catch {
    // A plain-text body says nothing more than the status.
  }
  return { status: response.getStatus(), code: body.code, message: body.message ?? error.message, retryAfterMs: parseRetryAfter(response.getHeader('Retry-After') ?? null, new Date()) }
}

// The upload went wrong, not the photo. Out of step (409: a retried request raced the first) or
// locked (423): ask the endpoint where it stands, later. Gone (404, 410) or damaged on the way
// (422): a new upload, later.
const RESUME_UPLOAD = [409, 423]
const RESTART_UPLOAD = [404, 410, 422]

/** What a failed tus request means. `resume` and `restart`: try again later, from where the endpoint stands or afresh. */
function uploadFailure(error: unknown): Failure | { kind: 'resume' } | { kind: 'restart' } | { kind: 'push-first' } {
  const answer = uploadAnswer(error)
  if (!answer) return classify(error instanceof TimeoutError ? error : new NetworkError(error instanceof Error ? error.message : String(error)))
  // The endpoint's copy of the report does not list this photo (yet): the report goes again first.
  if (answer.code === UPLOAD_ERROR_CODES.photoNotListed) return { kind: 'push-first' }
  if (RESUME_UPLOAD.includes(answer.status)) return { kind: 'resume' }
  if (RESTART_UPLOAD.includes(answer.status)) return { kind: 'restart' }
  return classify(new ApiError(answer.status, answer.code, answer.message, answer.retryAfterMs))
}

async function sendPhoto(
  enrollment: EnrollmentRow,
  { row, photo }: OutgoingPhoto,
  options: SyncOptions,
  now: () => Date,
  onProgress: (sent: number) => void,
): Promise<'sent' | 'waiting' | 'revoked' | 'refused'> {
  const random = options.random ?? Math.random
  try {
    // Only photos the endpoint holds are ever pruned; one without its bytes cannot be sent.
    if (!photo.blob) throw new Error(`photo ${photo.id} has no bytes`)
    await uploadWithTus(enrollment.token, row.url, photo.blob, {
      metadata: { photoId: photo.id, reportId: photo.reportId, sha256: photo.sha256, filetype: photo.type },
      timeoutMs: options.timeoutMs ?? 60_000,
      onUrl: (url) => setUploadUrl(photo.id, url),
      onProgress,
    })
  } catch (error) {
    const failure = uploadFailure(error)
    const later = (retryAfterMs = 0) => (attempts: number) => new Date(now().getTime() + backoffMs(attempts, random(), retryAfterMs))
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

interface TusOptions {
  metadata: Record<string, string>
  timeoutMs: number
  onUrl: (url: string) => Promise<void>
  onProgress: (sent: number) => void
}

/**
 * One photo by tus, resuming at `url` when an earlier attempt created the upload. tus-js-client
 * retries nothing here (the outbox's backoff does), and an upload that makes no progress for
 * `timeoutMs` is abandoned, to be resumed later from where the endpoint says it stopped.
 */
function uploadWithTus(token: string, url: string | null, blob: Blob, options: TusOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    let stalled: ReturnType<typeof setTimeout> | undefined
    const upload = new Upload(blob, {
      endpoint: UPLOADS_PATH,
      ...(url ? { uploadUrl: url } : {}),
      chunkSize: CHUNK_BYTES,
      retryDelays: [],
      metadata: options.metadata,
      headers: { authorization: `Bearer ${token}` },
      storeFingerprintForResuming: false,
      onUploadUrlAvailable: () => {
        if (upload.url) void options.onUrl(upload.url)
      },
      onProgress: (sent) => {
        watch()
        options.onProgress(sent)
      },
      onSuccess: () => {
        clearTimeout(stalled)
        resolve()
      },
      onError: (error) => {
        clearTimeout(stalled)
        reject(error)
      },
    })
    const watch = () => {
      clearTimeout(stalled)
      stalled = setTimeout(() => {
        void upload.abort(false)
        reject(new TimeoutError(`no progress in ${options.timeoutMs} ms`))
      }, options.timeoutMs)
    }
    watch()
    upload.start()
  })
}

async function withLockIfFree<T>(name: string, task: () => Promise<T>): Promise<T | 'busy'> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return task()
  return locks.request(name, { ifAvailable: true }, (lock) => (lock ? task() : 'busy'))
}
