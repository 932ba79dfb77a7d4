import type { Exemplar, Report } from '@/domain'
import { db as defaultDb, type AppDatabase, type OutboxRow, type PhotoRow } from '@/db/database'
import { getEnrollment } from '@/db/reference'
import { searchTextOf, withoutSearch } from '@/db/reports'
import { readManifest, readRescueFile, writeRescueFile, type RescueContent, type RescueManifest } from './file'

/**
 * The rescue file on the phone: everything its member wrote that the endpoint has not
 * acknowledged, written to a file (`saveUnsent`) and read back on any phone enrolled for the
 * same member (`openRescueFile`, then `importRescue`). Ids are kept, so the endpoint stores each
 * report once however often the file is imported. Loaded only when used (fflate comes with it).
 */

/** The phone is not enrolled, or for someone else than the file's member. */
export class RescueImportError extends Error {
  override name = 'RescueImportError'
  constructor(
    readonly problem: 'not-enrolled' | 'other-member',
    /** The file's member, to name in the message. */
    readonly memberName = '',
  ) {
    super(`rescue import: ${problem}`)
  }
}

const unsent = (row: { state: string }) => row.state !== 'accepted'

/** A photo's fields as the file keeps them: whether the endpoint holds it is the endpoint's to say again. */
function withoutUpload<T extends { uploadedAt?: string | null }>(row: T): Omit<T, 'uploadedAt'> {
  const copy = { ...row }
  delete copy.uploadedAt
  return copy
}

/** What the phone holds that the endpoint has not acknowledged: drafts, queued and refused reports and cases, and their photos. */
export async function unsentContent(db: AppDatabase = defaultDb): Promise<RescueContent> {
  const { reports, exemplars, rows } = await db.transaction('r', db.reports, db.exemplars, db.photos, async () => {
    const reports = (await db.reports.filter(unsent).toArray()).map(withoutSearch)
    const exemplars = await db.exemplars.filter(unsent).toArray()
    const photoIds = [...reports, ...exemplars].flatMap((item) => item.photoIds)
    const rows = (await db.photos.bulkGet(photoIds)).filter((row): row is PhotoRow => row !== undefined)
    return { reports, exemplars, rows }
  })
  // The bytes are read after the transaction: it would end while waiting for them.
  const photos = await Promise.all(
    rows.map(async ({ blob, thumbnail, ...row }) => ({
      ...withoutUpload(row),
      // Only photos the endpoint holds are ever without their bytes.
      bytes: blob ? new Uint8Array(await blob.arrayBuffer()) : null,
      thumbnail: thumbnail ? new Uint8Array(await thumbnail.arrayBuffer()) : null,
    })),
  )
  return { reports, exemplars, photos }
}

/** How much a file made now would hold, without reading any photo's bytes. */
export async function unsentCounts(db: AppDatabase = defaultDb): Promise<RescueManifest['counts']> {
  return db.transaction('r', db.reports, db.exemplars, async () => {
    const reports = await db.reports.filter(unsent).toArray()
    const exemplars = await db.exemplars.filter(unsent).toArray()
    return { reports: reports.length, exemplars: exemplars.length, photos: [...reports, ...exemplars].reduce((sum, item) => sum + item.photoIds.length, 0) }
  })
}

/** The file of the phone's unsent work, named for its member and day, sealed with `passphrase` when one is given. */
export async function saveUnsent(
  options: { appVersion: string; now: Date; passphrase?: string },
  db: AppDatabase = defaultDb,
): Promise<{ file: File; counts: RescueManifest['counts'] }> {
  const enrollment = await getEnrollment(db)
  if (!enrollment) throw new RescueImportError('not-enrolled')
  const member = await db.members.get(enrollment.memberId)
  const content = await unsentContent(db)
  const bytes = await writeRescueFile(content, {
    member: { id: enrollment.memberId, name: member?.name ?? '' },
    unitId: enrollment.unitId,
    deviceId: enrollment.deviceId,
    appVersion: options.appVersion,
    now: options.now,
    ...(options.passphrase ? { passphrase: options.passphrase } : {}),
  })
  const day = options.now.toISOString().slice(0, 10)
  const file = new File([bytes as Uint8Array<ArrayBuffer>], `giao-uoc-chua-gui-${day}-${enrollment.deviceId.slice(0, 8)}.zip`, { type: 'application/zip' })
  return { file, counts: { reports: content.reports.length, exemplars: content.exemplars.length, photos: content.photos.length } }
}

/**
 * Hand the file to the cadre: the system share sheet where the browser can share such a file
 * (to Zalo, Drive, a computer), else a download to the phone's storage. Answers how it went.
 */
export async function deliverFile(file: File): Promise<'shared' | 'downloaded' | 'cancelled'> {
  const nav = globalThis.navigator as Navigator | undefined
  if (nav?.canShare?.({ files: [file] })) {
    try {
      await nav.share({ files: [file], title: file.name })
      return 'shared'
    } catch (error) {
      // The cadre closed the sheet: nothing lost, the file can be made again.
      if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled'
    }
  }
  const url = URL.createObjectURL(file)
  const link = document.createElement('a')
  link.href = url
  link.download = file.name
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return 'downloaded'
}

/** What a file holds, and how much of it this phone does not have yet. */
export interface RescuePreview {
  manifest: RescueManifest
  content: RescueContent
  fresh: { reports: number; exemplars: number; photos: number }
}

/** The manifest alone (no passphrase needed): whether the file asks for one, and whose it is. */
export function peekRescueFile(bytes: Uint8Array): RescueManifest {
  return readManifest(bytes)
}

/**
 * Read a file for this phone: refused unless the phone is enrolled for the file's member, the
 * file whole and unaltered, and the passphrase right when it is sealed.
 */
export async function openRescueFile(bytes: Uint8Array, passphrase: string | undefined, db: AppDatabase = defaultDb): Promise<RescuePreview> {
  const enrollment = await getEnrollment(db)
  if (!enrollment) throw new RescueImportError('not-enrolled')
  const peeked = readManifest(bytes)
  if (peeked.member.id !== enrollment.memberId) throw new RescueImportError('other-member', peeked.member.name)
  const { manifest, content } = await readRescueFile(bytes, passphrase)
  const held = async (table: 'reports' | 'exemplars' | 'photos', ids: string[]) => (await db[table].bulkGet(ids)).filter((row) => row === undefined).length
  return {
    manifest,
    content,
    fresh: {
      reports: await held(
        'reports',
        content.reports.map((report) => report.id),
      ),
      exemplars: await held(
        'exemplars',
        content.exemplars.map((exemplar) => exemplar.id),
      ),
      photos: await held(
        'photos',
        content.photos.map((photo) => photo.id),
      ),
    },
  }
}

/**
 * Put what the phone lacks of a file in its database, in one transaction: all of it or none.
 * What the phone has already (the same id) stays as it is. Queued reports and cases, and those
 * whose photos were on their way, go back in the queue at their revision: the endpoint answers
 * `duplicate` for what it holds and asks for the photos it lacks. Drafts stay drafts and refused
 * ones refused, for the cadre to finish. Answers how many of each were added.
 */
export async function importRescue(content: RescueContent, now: Date, db: AppDatabase = defaultDb): Promise<RescuePreview['fresh']> {
  return db.transaction('rw', [db.reports, db.exemplars, db.photos, db.outbox, db.communes], async () => {
    const added = { reports: 0, exemplars: 0, photos: 0 }
    const queue = (item: Report | Exemplar, kind: OutboxRow['kind']): OutboxRow => ({
      reportId: item.id,
      kind,
      revision: item.revision,
      queuedAt: now.toISOString(),
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    })
    const requeued = <T extends Report | Exemplar>(item: T): T => (item.state === 'sending' || item.state === 'queued' ? { ...item, state: 'queued' } : item)

    for (const report of content.reports) {
      if (await db.reports.get(report.id)) continue
      const row = requeued(report)
      await db.reports.add({ ...row, searchText: searchTextOf(row, (await db.communes.get(row.communeId))?.name ?? '') })
      if (row.state === 'queued') await db.outbox.put(queue(row, 'report'))
      added.reports += 1
    }
    for (const exemplar of content.exemplars) {
      if (await db.exemplars.get(exemplar.id)) continue
      const row = requeued(exemplar)
      await db.exemplars.add(row)
      if (row.state === 'queued') await db.outbox.put(queue(row, 'exemplar'))
      added.exemplars += 1
    }
    for (const { bytes, thumbnail, ...photo } of content.photos) {
      if (await db.photos.get(photo.id)) continue
      await db.photos.add({
        ...photo,
        blob: bytes ? new Blob([bytes as Uint8Array<ArrayBuffer>], { type: photo.type }) : null,
        thumbnail: thumbnail ? new Blob([thumbnail as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }) : null,
        uploadedAt: null,
      })
      added.photos += 1
    }
    return added
  })
}
