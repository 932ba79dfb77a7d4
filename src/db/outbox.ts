import { Dexie, liveQuery } from 'dexie'
import type { Exemplar, Report, ReportReceipt, ReportRejection } from '@/domain'
import { db as defaultDb, type AppDatabase, type OutboxRow, type OutgoingKind, type PhotoRow, type SendError, type UploadRow } from './database'
import { getMeta, setMeta } from './meta'
import { getPhotos, getReport, withoutSearch } from './reports'

/** A queued report with what goes with it: its queue row and its photos, in the report's order. */
export interface Outgoing {
  row: OutboxRow
  report: Report
  photos: PhotoRow[]
}

/** A queued exemplary case, with its queue row and its photos. */
export interface OutgoingExemplar {
  row: OutboxRow
  exemplar: Exemplar
  photos: PhotoRow[]
}

/** What reports and exemplary cases share as they are sent: their state, revision, receipt or refusal, and photos. */
type Sendable = Pick<Report, 'id' | 'state' | 'revision' | 'receipt' | 'rejection' | 'photoIds'>

/** The table holding what the outbox sends of a kind. */
const tableOf = (kind: OutgoingKind, db: AppDatabase) => (kind === 'report' ? db.reports : db.exemplars) as unknown as Dexie.Table<Sendable, string>

/** The kind of a queued or uploading item, by the table that holds its id. */
async function kindOf(id: string, db: AppDatabase): Promise<OutgoingKind | null> {
  if (await db.reports.get(id)) return 'report'
  return (await db.exemplars.get(id)) ? 'exemplar' : null
}

/** What the endpoint answered for one report, as the outbox needs it. */
export type PushAnswer =
  | { id: string; outcome: 'stored'; receipt: ReportReceipt; revision: number; missingPhotos: string[] }
  | { id: string; outcome: 'conflict'; receipt: ReportReceipt; revision: number }
  | { id: string; outcome: 'rejected'; rejection: ReportRejection }

const isDue = (at: string | null, now: Date) => at === null || at <= now.toISOString()

/** Items of a kind due to be pushed, in the order they were queued, at most `limit`, each with its photos. */
async function due<T extends Sendable>(kind: OutgoingKind, now: Date, limit: number, db: AppDatabase): Promise<{ row: OutboxRow; item: T; photos: PhotoRow[] }[]> {
  const table = tableOf(kind, db)
  return db.transaction('r', db.outbox, table, db.photos, async () => {
    const rows = await db.outbox
      .orderBy('queuedAt')
      .filter((row) => row.kind === kind && isDue(row.nextAttemptAt, now))
      .limit(limit)
      .toArray()
    // Read in bulk: a request per item costs a phone more than the push itself.
    const items = (await table.bulkGet(rows.map((row) => row.reportId))) as (T | undefined)[]
    const photos = new Map((await db.photos.bulkGet(items.flatMap((item) => item?.photoIds ?? []))).flatMap((photo) => (photo ? [[photo.id, photo] as const] : [])))
    return rows.flatMap((row, index) => {
      const item = items[index]
      return item ? [{ row, item, photos: item.photoIds.flatMap((id) => photos.get(id) ?? []) }] : []
    })
  })
}

/** Reports due to be pushed, in the order they were queued, at most `limit`. */
export async function dueReports(now: Date, limit: number, db: AppDatabase = defaultDb): Promise<Outgoing[]> {
  return (await due<Report & { searchText: string }>('report', now, limit, db)).map(({ row, item, photos }) => ({ row, report: withoutSearch(item), photos }))
}

/** Exemplary cases due to be pushed, in the order they were queued, at most `limit`. */
export async function dueExemplars(now: Date, limit: number, db: AppDatabase = defaultDb): Promise<OutgoingExemplar[]> {
  return (await due<Exemplar>('exemplar', now, limit, db)).map(({ row, item, photos }) => ({ row, exemplar: item, photos }))
}

/**
 * Record the endpoint's answers to one push, in one transaction. `sent` is the revision pushed
 * for each report (or exemplary case, with `kind`): one changed while the push was on its way
 * stays queued at its new revision, so the change is sent too.
 */
export async function applyPushAnswers(
  sent: ReadonlyMap<string, number>,
  answers: readonly PushAnswer[],
  now: Date,
  kind: OutgoingKind = 'report',
  db: AppDatabase = defaultDb,
): Promise<void> {
  const table = tableOf(kind, db)
  await db.transaction('rw', [table, db.outbox, db.uploads, db.photos, db.meta], async () => {
    // Rows read and written in bulk: a request per report and step costs a phone more than the push itself.
    const ids = answers.map((answer) => answer.id)
    const reports = await table.bulkGet(ids)
    const queued = await db.outbox.bulkGet(ids)
    const sentAway: string[] = []
    const changed: Sendable[] = []
    for (const [index, answer] of answers.entries()) {
      const report = reports[index]
      const revision = sent.get(answer.id)
      const queuedAt = queued[index]?.queuedAt ?? now.toISOString()
      if (!report || revision === undefined) continue
      const changedSince = report.revision !== revision
      if (changedSince) await db.outbox.update(report.id, { attempts: 0, lastError: null, nextAttemptAt: null })
      else sentAway.push(report.id)

      if (answer.outcome === 'rejected') {
        if (!changedSince) changed.push({ ...report, state: 'rejected', rejection: answer.rejection })
        continue
      }
      if (answer.outcome === 'conflict') {
        // The endpoint holds another version at this revision or a later one. The cadre's text
        // stays, shown as refused; sent again, it goes at a revision above the endpoint's.
        if (!changedSince) {
          changed.push({ ...report, state: 'rejected', rejection: { code: 'conflict', reason: '' }, receipt: answer.receipt, revision: Math.max(report.revision, answer.revision) })
        }
        continue
      }
      changed.push(changedSince ? { ...report, receipt: answer.receipt } : { ...report, receipt: answer.receipt, state: answer.missingPhotos.length ? 'sending' : 'accepted' })
      // A report without photos has no uploads to change.
      if (!report.photoIds.length) continue
      await queueUploads(report, queuedAt, answer.missingPhotos, db)
      const held = report.photoIds.filter((id) => !answer.missingPhotos.includes(id))
      await db.photos
        .where('id')
        .anyOf(held)
        .modify((photo) => {
          photo.uploadedAt ??= now.toISOString()
        })
    }
    await db.outbox.bulkDelete(sentAway)
    await table.bulkPut(changed)
    await setMeta('lastSyncAt', now.toISOString(), db)
  })
}

/** The endpoint's list of photos it lacks replaces the report's upload rows; rows already started keep their address. */
async function queueUploads(report: Sendable, queuedAt: string, missing: readonly string[], db: AppDatabase): Promise<void> {
  const existing = await db.uploads.where('reportId').equals(report.id).toArray()
  await db.uploads.bulkDelete(existing.filter((row) => !missing.includes(row.photoId)).map((row) => row.photoId))
  const rows: UploadRow[] = missing
    .filter((photoId) => !existing.some((row) => row.photoId === photoId))
    .map((photoId) => ({
      photoId,
      reportId: report.id,
      queuedAt,
      order: report.photoIds.indexOf(photoId),
      url: null,
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
      refused: null,
    }))
  await db.uploads.bulkPut(rows)
}

/** A push that failed for a passing reason: each report waits, then is tried again. */
export async function deferReports(ids: readonly string[], error: SendError, nextAttemptAt: (attempts: number) => Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.outbox
    .where('reportId')
    .anyOf([...ids])
    .modify((row) => {
      row.attempts += 1
      row.lastError = error
      row.nextAttemptAt = nextAttemptAt(row.attempts).toISOString()
    })
}

/** A photo upload due now, with the photo itself. */
export interface OutgoingPhoto {
  row: UploadRow
  photo: PhotoRow
}

/** Uploads due now, in the order of their reports, then of the photos in each report. */
export async function dueUploads(now: Date, db: AppDatabase = defaultDb): Promise<OutgoingPhoto[]> {
  return db.transaction('r', db.uploads, db.photos, async () => {
    const rows = await db.uploads
      .orderBy('[queuedAt+order]')
      .filter((row) => row.refused === null && isDue(row.nextAttemptAt, now))
      .toArray()
    const photos = await db.photos.bulkGet(rows.map((row) => row.photoId))
    return rows.flatMap((row, index) => {
      const photo = photos[index]
      return photo ? [{ row, photo }] : []
    })
  })
}

export async function setUploadUrl(photoId: string, url: string | null, db: AppDatabase = defaultDb): Promise<void> {
  await db.uploads.update(photoId, { url })
}

/** The endpoint has the photo: its upload row goes, and a report (or case) whose photos are all in is accepted. */
export async function finishUpload(photoId: string, now: Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.transaction('rw', [db.uploads, db.photos, db.reports, db.exemplars, db.meta], async () => {
    const row = await db.uploads.get(photoId)
    if (!row) return
    await db.uploads.delete(photoId)
    await db.photos.update(photoId, { uploadedAt: now.toISOString() })
    const left = await db.uploads.where('reportId').equals(row.reportId).count()
    const kind = await kindOf(row.reportId, db)
    const owner = kind && (await tableOf(kind, db).get(row.reportId))
    if (kind && left === 0 && owner?.state === 'sending') await tableOf(kind, db).update(row.reportId, { state: 'accepted' })
    await setMeta('lastSyncAt', now.toISOString(), db)
  })
}

export async function deferUpload(photoId: string, error: SendError, nextAttemptAt: (attempts: number) => Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.uploads
    .where('photoId')
    .equals(photoId)
    .modify((row) => {
      row.attempts += 1
      row.lastError = error
      row.nextAttemptAt = nextAttemptAt(row.attempts).toISOString()
    })
}

/**
 * The endpoint refused a photo itself (too big, not a picture, damaged on the way). Its report
 * goes back to the cadre, refused with the endpoint's words, to replace the photo and send again.
 */
export async function refuseUpload(photoId: string, status: number, message: string, db: AppDatabase = defaultDb): Promise<void> {
  await db.transaction('rw', db.uploads, db.reports, db.exemplars, async () => {
    const row = await db.uploads.get(photoId)
    if (!row) return
    await db.uploads.delete(photoId)
    const kind = await kindOf(row.reportId, db)
    if (kind) await tableOf(kind, db).update(row.reportId, { state: 'rejected', rejection: { code: `photo_${status}`, reason: message } })
  })
}

/** Setting (in `meta`): free the space of photos the endpoint has accepted, keeping their thumbnails. */
export const PRUNE_SENT_PHOTOS = 'pruneSentPhotos'

/**
 * When the cadre chose it, drop the full-size photos of accepted reports and exemplary cases:
 * the endpoint holds them, and the thumbnails stay for the screens. Nothing unsent is ever touched.
 */
export async function pruneSentPhotos(db: AppDatabase = defaultDb): Promise<number> {
  if ((await getMeta<boolean>(PRUNE_SENT_PHOTOS, db)) !== true) return 0
  return db.transaction('rw', db.photos, db.reports, db.exemplars, db.uploads, async () => {
    const reports = await db.reports.where('[state+updatedAt]').between(['accepted', Dexie.minKey], ['accepted', Dexie.maxKey]).primaryKeys()
    const exemplars = await db.exemplars.filter((exemplar) => exemplar.state === 'accepted').primaryKeys()
    const accepted = [...reports, ...exemplars]
    return db.photos
      .where('reportId')
      .anyOf(accepted)
      .filter((photo) => photo.blob !== null && Boolean(photo.uploadedAt))
      .modify((photo) => {
        photo.blob = null
      })
  })
}

/** The endpoint asked for a photo its copy of the report (or case) does not list: it goes again, and asks anew. */
export async function requeueReport(reportId: string, now: Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.transaction('rw', db.reports, db.exemplars, db.outbox, db.uploads, async () => {
    const kind = await kindOf(reportId, db)
    const item = kind && (await tableOf(kind, db).get(reportId))
    if (!kind || !item) return
    await db.uploads.where('reportId').equals(reportId).delete()
    await tableOf(kind, db).update(reportId, { state: 'queued' })
    await db.outbox.put({ reportId, kind, revision: item.revision, queuedAt: now.toISOString(), attempts: 0, lastError: null, nextAttemptAt: null })
  })
}

/** What waits to be sent, and when the next attempt is due (null: now, or nothing waits). */
export interface OutboxSummary {
  reports: number
  photos: number
  nextAttemptAt: string | null
  lastSyncAt: string | null
}

export async function outboxSummary(db: AppDatabase = defaultDb): Promise<OutboxSummary> {
  return db.transaction('r', db.outbox, db.uploads, db.meta, async () => {
    const reports = await db.outbox.toArray()
    const photos = (await db.uploads.toArray()).filter((row) => row.refused === null)
    const times = [...reports, ...photos].map((row) => row.nextAttemptAt)
    const nextAttemptAt = times.includes(null) ? null : (times.filter((at): at is string => at !== null).sort()[0] ?? null)
    return { reports: reports.length, photos: photos.length, nextAttemptAt, lastSyncAt: (await getMeta<string>('lastSyncAt', db)) ?? null }
  })
}

/**
 * Whether the phone holds work not yet on the endpoint: something queued, a photo to upload, or
 * a report or case still a draft or refused. Its member must send it before the phone is
 * enrolled as anyone else, or it would go under their name.
 */
export async function holdsUnsentWork(db: AppDatabase = defaultDb): Promise<boolean> {
  return db.transaction('r', db.outbox, db.uploads, db.reports, db.exemplars, async () => {
    if ((await db.outbox.count()) > 0 || (await db.uploads.count()) > 0) return true
    const unsent = (row: { state: string }) => row.state !== 'accepted'
    return (await db.reports.filter(unsent).count()) > 0 || (await db.exemplars.filter(unsent).count()) > 0
  })
}

/** The member's work not yet on the endpoint, as the cadre would name it. */
export interface UnsentWork {
  drafts: number
  /** Queued or on their way, photos included. */
  waiting: number
  refused: number
  exemplars: number
}

export async function unsentWork(db: AppDatabase = defaultDb): Promise<UnsentWork> {
  return db.transaction('r', db.reports, db.exemplars, async () => {
    const reports = await db.reports.filter((row) => row.state !== 'accepted').toArray()
    const count = (...states: string[]) => reports.filter((row) => states.includes(row.state)).length
    return {
      drafts: count('draft'),
      waiting: count('queued', 'sending'),
      refused: count('rejected'),
      exemplars: await db.exemplars.filter((row) => row.state !== 'accepted').count(),
    }
  })
}

export function watchOutbox(onChange: (summary: OutboxSummary) => void, onError: (error: unknown) => void, db: AppDatabase = defaultDb): () => void {
  const subscription = liveQuery(() => outboxSummary(db)).subscribe({ next: onChange, error: onError })
  return () => subscription.unsubscribe()
}

/** A report as its page shows it, kept current: the report, its photos, and what still waits to be sent. */
export interface ReportStatus {
  report: Report | undefined
  photos: PhotoRow[]
  queued: OutboxRow | null
  uploads: UploadRow[]
}

export function watchReportStatus(id: string, onChange: (status: ReportStatus) => void, onError: (error: unknown) => void, db: AppDatabase = defaultDb): () => void {
  const subscription = liveQuery(async () => {
    const report = await getReport(id, db)
    return {
      report,
      photos: report ? await getPhotos(report.photoIds, db) : [],
      queued: (await db.outbox.get(id)) ?? null,
      uploads: await db.uploads.where('reportId').equals(id).toArray(),
    }
  }).subscribe({ next: onChange, error: onError })
  return () => subscription.unsubscribe()
}
