import { liveQuery } from 'dexie'
import { isExemplarEditable, type Exemplar } from '@/domain'
import { db as defaultDb, type AppDatabase, type PhotoRow } from './database'
import { ReportLockedError } from './reports'

/**
 * Exemplary cases (điển hình tiên tiến) as the phone keeps them: written, photographed and
 * queued like a report, in the same outbox. Once the endpoint holds one, the lead edits it on
 * the dashboard; the phone keeps its copy as sent.
 */

/** Save a case as the cadre left it: a new one as a draft; an existing one must still be editable, and its revision goes up by one. */
export async function saveExemplar(exemplar: Exemplar, now: Date, db: AppDatabase = defaultDb): Promise<Exemplar> {
  return db.transaction('rw', db.exemplars, db.outbox, async () => {
    const stored = await db.exemplars.get(exemplar.id)
    if (stored && !isExemplarEditable(stored)) throw new ReportLockedError(`exemplar ${exemplar.id} is ${stored.state}`)
    const next: Exemplar = {
      ...exemplar,
      state: stored?.state ?? 'draft',
      receipt: stored?.receipt ?? null,
      rejection: stored?.rejection ?? null,
      revision: (stored?.revision ?? 0) + 1,
      createdAt: stored?.createdAt ?? exemplar.createdAt,
      updatedAt: now.toISOString(),
    }
    await db.exemplars.put(next)
    if (next.state === 'queued') await db.outbox.update(next.id, { revision: next.revision })
    return next
  })
}

/** "Gửi đề xuất": save the case and queue it, in one transaction: both happen or neither. */
export async function queueExemplar(exemplar: Exemplar, now: Date, db: AppDatabase = defaultDb): Promise<Exemplar> {
  return db.transaction('rw', db.exemplars, db.outbox, async () => {
    const saved = await saveExemplar(exemplar, now, db)
    const queued: Exemplar = { ...saved, state: 'queued', rejection: null }
    await db.exemplars.put(queued)
    const waiting = await db.outbox.get(queued.id)
    await db.outbox.put({
      reportId: queued.id,
      kind: 'exemplar',
      revision: queued.revision,
      queuedAt: waiting?.queuedAt ?? now.toISOString(),
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    })
    return queued
  })
}

/** Add a processed photo to an editable case, in one transaction with its photo list. */
export async function addExemplarPhoto(photo: PhotoRow, now: Date, db: AppDatabase = defaultDb): Promise<Exemplar> {
  return db.transaction('rw', db.exemplars, db.outbox, db.photos, async () => {
    const exemplar = await db.exemplars.get(photo.reportId)
    if (!exemplar) throw new Error(`no exemplar ${photo.reportId}`)
    await db.photos.put(photo)
    return saveExemplar({ ...exemplar, photoIds: [...exemplar.photoIds, photo.id] }, now, db)
  })
}

/** Take a photo off an editable case and drop it: it was never sent. */
export async function removeExemplarPhoto(exemplarId: string, photoId: string, now: Date, db: AppDatabase = defaultDb): Promise<Exemplar> {
  return db.transaction('rw', db.exemplars, db.outbox, db.photos, async () => {
    const exemplar = await db.exemplars.get(exemplarId)
    if (!exemplar) throw new Error(`no exemplar ${exemplarId}`)
    const saved = await saveExemplar({ ...exemplar, photoIds: exemplar.photoIds.filter((id) => id !== photoId) }, now, db)
    await db.photos.delete(photoId)
    return saved
  })
}

export async function getExemplar(id: string, db: AppDatabase = defaultDb): Promise<Exemplar | undefined> {
  return db.exemplars.get(id)
}

/** Call `onChange` with the phone's cases, newest change first, now and whenever they change. */
export function watchExemplars(onChange: (exemplars: Exemplar[]) => void, onError: (error: unknown) => void, db: AppDatabase = defaultDb): () => void {
  const subscription = liveQuery(() => db.exemplars.orderBy('updatedAt').reverse().toArray()).subscribe({ next: onChange, error: onError })
  return () => subscription.unsubscribe()
}
