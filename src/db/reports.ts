import { Dexie, liveQuery } from 'dexie'
import { foldVietnamese, isDeletable, isEditable, isRecallable, matchesSearch, REPORT_STATES, type Report, type ReportState } from '@/domain'
import { db as defaultDb, type AppDatabase, type PhotoRow, type ReportRow } from './database'

/** A change was refused because the report has left the phone's hands (it is being sent, or was). */
export class ReportLockedError extends Error {
  override name = 'ReportLockedError'
}

/** What a report is found by: its commune's name, summary and notes, folded without diacritics. */
export function searchTextOf(report: Report, communeName: string): string {
  return foldVietnamese([communeName, report.summary, ...report.entries.map((entry) => entry.note)].join(' '))
}

async function communeName(db: AppDatabase, communeId: string): Promise<string> {
  return (await db.communes.get(communeId))?.name ?? ''
}

/** Whether the phone holds the covenant as signed, its evaluation not begun: its reports may still be corrected. */
export async function yearOpen(db: AppDatabase, covenantId: string): Promise<boolean> {
  return (await db.covenants.get(covenantId))?.status === 'signed'
}

/**
 * Save a report as the cadre left it. A new report is created as a draft; an existing one
 * must still be editable (`isEditable`), and its revision goes up by one. A queued report
 * stays queued, at its new revision; an accepted one being corrected (its year open, or sent
 * back for more) becomes a draft again. Answers the report as stored.
 */
export async function saveReport(report: Report, now: Date, db: AppDatabase = defaultDb): Promise<Report> {
  return db.transaction('rw', [db.reports, db.outbox, db.communes, db.covenants], async () => {
    const stored = await db.reports.get(report.id)
    if (stored && !isEditable(stored, await yearOpen(db, stored.covenantId))) throw new ReportLockedError(`report ${report.id} is ${stored.state}`)
    // State, receipt, refusal and review belong to the sync: a screen's copy of the report may be older.
    const { review: _copied, ...edited } = report
    void _copied
    const next: Report = {
      ...edited,
      ...(stored?.review && { review: stored.review }),
      state: stored && stored.state !== 'accepted' ? stored.state : 'draft',
      receipt: stored?.receipt ?? null,
      rejection: stored?.rejection ?? null,
      revision: (stored?.revision ?? 0) + 1,
      createdAt: stored?.createdAt ?? report.createdAt,
      updatedAt: now.toISOString(),
    }
    await db.reports.put({ ...next, searchText: searchTextOf(next, await communeName(db, next.communeId)) })
    if (next.state === 'queued') await db.outbox.update(next.id, { revision: next.revision })
    return next
  })
}

/** "Gửi": save the report and put it in the queue, in one transaction: both happen or neither. */
export async function queueReport(report: Report, now: Date, db: AppDatabase = defaultDb): Promise<Report> {
  return db.transaction('rw', [db.reports, db.outbox, db.communes, db.covenants], async () => {
    const saved = await saveReport(report, now, db)
    const queued: Report = { ...saved, state: 'queued', rejection: null }
    await db.reports.put({ ...queued, searchText: searchTextOf(queued, await communeName(db, queued.communeId)) })
    const waiting = await db.outbox.get(queued.id)
    await db.outbox.put({
      reportId: queued.id,
      kind: 'report',
      revision: queued.revision,
      queuedAt: waiting?.queuedAt ?? now.toISOString(),
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    })
    return queued
  })
}

/** Delete a draft never sent, or a refused report, with its photos: checked again inside the transaction. */
export async function deleteReport(id: string, db: AppDatabase = defaultDb): Promise<void> {
  await db.transaction('rw', db.reports, db.outbox, db.photos, db.uploads, async () => {
    const stored = await db.reports.get(id)
    if (!stored) return
    if (!isDeletable(stored)) throw new ReportLockedError(`report ${id} is ${stored.state}`)
    await db.photos.where('reportId').equals(id).delete()
    await db.uploads.where('reportId').equals(id).delete()
    await db.outbox.delete(id)
    await db.reports.delete(id)
  })
}

/** Call off the sending of a queued report: it becomes a draft again, out of the queue. Refused once it is on its way. */
export async function recallReport(id: string, now: Date, db: AppDatabase = defaultDb): Promise<Report> {
  return db.transaction('rw', db.reports, db.outbox, async () => {
    const stored = await db.reports.get(id)
    if (!stored || !isRecallable(stored)) throw new ReportLockedError(`report ${id} is ${stored?.state ?? 'gone'}`)
    await db.outbox.delete(id)
    const draft: ReportRow = { ...stored, state: 'draft', updatedAt: now.toISOString() }
    await db.reports.put(draft)
    return withoutSearch(draft)
  })
}

export async function getReport(id: string, db: AppDatabase = defaultDb): Promise<Report | undefined> {
  const row = await db.reports.get(id)
  return row && withoutSearch(row)
}

export function withoutSearch({ searchText, ...report }: ReportRow): Report {
  void searchText
  return report
}

export interface ReportQuery {
  state?: ReportState
  communeId?: string
  /** Words to find in the commune's name, the summary and the notes, diacritics ignored. */
  search?: string
  offset?: number
  limit?: number
}

/**
 * Reports newest first, a page at a time, read through an index so that ten thousand reports
 * cost no more than the page shown.
 */
export async function listReports(query: ReportQuery = {}, db: AppDatabase = defaultDb): Promise<Report[]> {
  const { state, communeId, search = '', offset = 0, limit = 50 } = query
  let collection
  if (state) collection = db.reports.where('[state+updatedAt]').between([state, Dexie.minKey], [state, Dexie.maxKey])
  else if (communeId) collection = db.reports.where('[communeId+updatedAt]').between([communeId, Dexie.minKey], [communeId, Dexie.maxKey])
  else collection = db.reports.orderBy('updatedAt')
  collection = collection.reverse()
  if (state && communeId) collection = collection.filter((row) => row.communeId === communeId)
  const folded = foldVietnamese(search)
  if (folded) collection = collection.filter((row) => matchesSearch(row.searchText, folded))
  return (await collection.offset(offset).limit(limit).toArray()).map(withoutSearch)
}

/** How many reports the phone holds in each state, for one commune or all: counted on indexes, never read. */
export async function countReports(communeId?: string, db: AppDatabase = defaultDb): Promise<Record<ReportState, number>> {
  const counted = await Promise.all(
    REPORT_STATES.map((state) =>
      communeId
        ? db.reports.where('[communeId+state]').equals([communeId, state]).count()
        : db.reports.where('[state+updatedAt]').between([state, Dexie.minKey], [state, Dexie.maxKey]).count(),
    ),
  )
  return Object.fromEntries(REPORT_STATES.map((state, index) => [state, counted[index] ?? 0])) as Record<ReportState, number>
}

/** Add a processed photo to an editable report, in one transaction with the report's photo list. */
export async function addPhoto(photo: PhotoRow, now: Date, db: AppDatabase = defaultDb): Promise<Report> {
  return db.transaction('rw', [db.reports, db.outbox, db.communes, db.covenants, db.photos], async () => {
    const report = await getReport(photo.reportId, db)
    if (!report) throw new Error(`no report ${photo.reportId}`)
    await db.photos.put(photo)
    return saveReport({ ...report, photoIds: [...report.photoIds, photo.id] }, now, db)
  })
}

/** Take a photo off an editable report and drop it: it was never sent. */
export async function removePhoto(reportId: string, photoId: string, now: Date, db: AppDatabase = defaultDb): Promise<Report> {
  return db.transaction('rw', [db.reports, db.outbox, db.communes, db.covenants, db.photos], async () => {
    const report = await getReport(reportId, db)
    if (!report) throw new Error(`no report ${reportId}`)
    const saved = await saveReport({ ...report, photoIds: report.photoIds.filter((id) => id !== photoId) }, now, db)
    await db.photos.delete(photoId)
    return saved
  })
}

export async function setPhotoCaption(photoId: string, caption: string, db: AppDatabase = defaultDb): Promise<void> {
  await db.photos.update(photoId, { caption })
}

export async function getPhotos(ids: readonly string[], db: AppDatabase = defaultDb): Promise<PhotoRow[]> {
  return (await db.photos.bulkGet([...ids])).filter((row): row is PhotoRow => row !== undefined)
}

/** Keep the thumbnail fetched for a photo the phone held by reference only. */
export async function keepThumbnail(photoId: string, thumbnail: Blob, db: AppDatabase = defaultDb): Promise<void> {
  await db.photos
    .where('id')
    .equals(photoId)
    .and((row) => row.thumbnail === null)
    .modify({ thumbnail })
}

/** Bytes the phone spends on reports and photos, as stored. */
export async function reportStorage(db: AppDatabase = defaultDb): Promise<{ reports: number; photos: number; photoBytes: number }> {
  let photoBytes = 0
  await db.photos.each((row) => {
    photoBytes += (row.blob?.size ?? 0) + (row.thumbnail?.size ?? 0)
  })
  return { reports: await db.reports.count(), photos: await db.photos.count(), photoBytes }
}

/** Every report on the phone, whatever its state, now and whenever one changes: for progress and the visit plan. */
export function watchAllReports(onChange: (reports: Report[]) => void, onError: (error: unknown) => void, db: AppDatabase = defaultDb): () => void {
  const subscription = liveQuery(async () => (await db.reports.toArray()).map(withoutSearch)).subscribe({ next: onChange, error: onError })
  return () => subscription.unsubscribe()
}

/** Call `onChange` with a page of reports and the counts per state, now and whenever they change. */
export function watchReports(
  query: ReportQuery,
  onChange: (page: { reports: Report[]; counts: Record<ReportState, number> }) => void,
  onError: (error: unknown) => void,
  db: AppDatabase = defaultDb,
): () => void {
  const subscription = liveQuery(async () => ({ reports: await listReports(query, db), counts: await countReports(query.communeId, db) })).subscribe({
    next: onChange,
    error: onError,
  })
  return () => subscription.unsubscribe()
}
