import type { DeviceStatus, ExemplarResult, PushedExemplar, PushedReport, PushRequest, PushResponse, PushResult } from '@/protocol'
import { PUSH_LIMITS } from '@/protocol/constants'
import { exemplarForPush, reportForPush } from '@/domain'
import type { EnrollmentRow, OutgoingKind } from '@/db/database'
import {
  applyPushAnswers,
  deferReports,
  dueExemplars,
  dueReports,
  dueUploads,
  outboxSummary,
  pruneSentPhotos,
  type Outgoing,
  type OutgoingExemplar,
  type PushAnswer,
} from '@/db/outbox'
import { getEnrollment, markRevoked } from '@/db/reference'
import { requestJson } from './api'
import { takeBatch } from './queue'
import { backoffMs, classify } from './retry'
import { withLock } from './locks'
import type { sendPhoto } from './uploads'
import { estimateStorage, freeBytesOf } from '@/db/quota'

/** Limits of one push: the endpoint's, less room in bytes for the envelope around the reports. */
export const PUSH_BATCH = { items: PUSH_LIMITS.reports, bytes: PUSH_LIMITS.bytes - 124 * 1024 } as const
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
  /**
   * The photo sender: in the app `() => import('./uploads')`, loaded only when photos wait, so it
   * stays off the start-up path. Without it only reports are pushed.
   */
  photos?: () => Promise<{ sendPhoto: typeof sendPhoto }>
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
 * Send what waits: queued reports first, in batches, then exemplary cases, then the photos the
 * endpoint asked for, in the order of their reports and cases. One sync at a time: in this tab a second call joins the
 * first; across tabs the Web Lock lets one run and the others answer `busy`.
 */
export function syncOutbox(options: SyncOptions = {}): Promise<SyncOutcome> {
  running ??= withLock('giao-uoc-outbox', () => syncOnce(options), { ifAvailable: true }).finally(() => {
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
  // (A four-digit year: due times are compared as ISO strings, and later years sort before them.)
  const dueBy = () => (options.ignoreBackoff ? new Date('9999-12-31T23:59:59.999Z') : now())
  const waitingAtStart = await outboxSummary()
  const progress: SyncProgress = { done: 0, total: waitingAtStart.reports + waitingAtStart.photos, photo: null }
  const report = () => options.onProgress?.({ ...progress })
  report()

  const onSent = (sent: number) => {
    progress.done += sent
    progress.total = Math.max(progress.total, progress.done)
    report()
  }
  const outcome = await sendAll(enrollment, options, now, dueBy, progress, report, onSent)
  // What the phone still holds after an exchange that sent something: the dashboard's "Chờ gửi", 0 once all is sent.
  if (progress.done > 0 && outcome !== 'revoked') await reportStatus(enrollment, options)
  return outcome
}

async function sendAll(
  enrollment: EnrollmentRow,
  options: SyncOptions,
  now: () => Date,
  dueBy: () => Date,
  progress: SyncProgress,
  report: () => void,
  onSent: (sent: number) => void,
): Promise<SyncOutcome> {
  let pushed = await pushQueued(REPORTS, enrollment, options, now, dueBy, onSent)
  if (pushed === 'done') pushed = await pushQueued(EXEMPLARS, enrollment, options, now, dueBy, onSent)
  if (pushed !== 'done') return pushed

  if (!options.photos) return (await somethingWaits()) ? 'waiting' : 'done'
  // Photos the last push asked for count from here.
  progress.total = progress.done + (await outboxSummary()).photos
  const uploads = await dueUploads(dueBy())
  const { sendPhoto } = uploads.length ? await options.photos() : { sendPhoto: null }
  for (const upload of uploads) {
    if (!sendPhoto) break
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

/** Best effort: should it fail, the next push says it again. */
async function reportStatus(enrollment: EnrollmentRow, options: SyncOptions): Promise<void> {
  try {
    await requestJson('/api/device/status', {
      method: 'PUT',
      token: enrollment.token,
      body: await deviceStatus(options),
      fetch: options.fetch,
      timeoutMs: options.timeoutMs ?? 30_000,
    })
  } catch {
    // Nothing to do: the status is news, not work.
  }
}

async function deviceStatus(options: SyncOptions): Promise<DeviceStatus> {
  const left = await outboxSummary()
  return { appVersion: options.appVersion ?? 'unknown', waiting: left.reports + left.photos, freeBytes: freeBytesOf(await estimateStorage()) }
}

async function somethingWaits(): Promise<boolean> {
  const left = await outboxSummary()
  return left.reports + left.photos > 0
}

const toWire = ({ report, photos }: Outgoing): PushedReport => reportForPush(report, photos)
const exemplarToWire = ({ exemplar, photos }: OutgoingExemplar): PushedExemplar => exemplarForPush(exemplar, photos)

function answerOf(result: PushResult | ExemplarResult): PushAnswer {
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

/** How one kind of queued item goes out in a push and how its answers come back. */
interface Channel<Wire extends { id: string; revision: number }> {
  kind: OutgoingKind
  due: (now: Date, limit: number) => Promise<Wire[]>
  body: (batch: Wire[]) => Pick<PushRequest, 'reports' | 'exemplars'>
  answers: (response: PushResponse) => PushAnswer[]
}

const REPORTS: Channel<PushedReport> = {
  kind: 'report',
  due: async (now, limit) => (await dueReports(now, limit)).map(toWire),
  body: (reports) => ({ reports }),
  answers: (response) => response.results.map(answerOf),
}

/** Exemplary cases go after the reports, in pushes of their own; an endpoint that does not answer for them leaves them waiting. */
const EXEMPLARS: Channel<PushedExemplar> = {
  kind: 'exemplar',
  due: async (now, limit) => (await dueExemplars(now, limit)).map(exemplarToWire),
  body: (exemplars) => ({ reports: [], exemplars }),
  answers: (response) => (response.exemplars as ExemplarResult[] | undefined)?.map(answerOf) ?? [],
}

async function pushQueued<Wire extends { id: string; revision: number }>(
  channel: Channel<Wire>,
  enrollment: EnrollmentRow,
  options: SyncOptions,
  now: () => Date,
  dueBy: () => Date,
  onSent: (count: number) => void,
): Promise<SyncOutcome | 'done'> {
  const random = options.random ?? Math.random
  // Halved after the endpoint refuses a whole batch, to find the one item it refuses.
  let maxItems: number = PUSH_BATCH.items
  for (;;) {
    const wire = await channel.due(dueBy(), maxItems)
    if (wire.length === 0) return 'done'
    const batch = takeBatch(wire, (item) => encoder.encode(JSON.stringify(item)).length, maxItems, PUSH_BATCH.bytes)
    const body: PushRequest = { ...channel.body(batch), device: await deviceStatus(options) }
    const sent = new Map(batch.map((item) => [item.id, item.revision]))
    try {
      const answer = await requestJson<PushResponse>('/api/push', {
        method: 'POST',
        token: enrollment.token,
        body,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs ?? 60_000,
      })
      const answers = channel.answers(answer)
      await applyPushAnswers(sent, answers, now(), channel.kind)
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
        // One item alone that the endpoint cannot take: it goes back to the cadre with the reason.
        const only = batch[0]
        if (only) await applyPushAnswers(sent, [{ id: only.id, outcome: 'rejected', rejection: { code: 'invalid', reason: failure.message } }], now(), channel.kind)
        continue
      }
      await deferReports([...sent.keys()], failure.error, (attempts) => new Date(now().getTime() + backoffMs(attempts, random(), failure.retryAfterMs)))
      return 'waiting'
    }
  }
}
