import fs from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { PushedReport, RemovalRequest } from '../../src/protocol'
import type { Database, Db } from '../db/schema'
import { lockedFor } from '../db/database'
import { audit } from './audit'
import { invalid, notFound } from './errors'
import { blobPath, type PhotoStore } from './photo-store'
import { nextRevision } from './reference'
import { assertAdmin, type Manager } from './scope'

/** Where the bytes of received photos and their thumbnails are kept. */
export interface PhotoDirs {
  photos: PhotoStore
  thumbsDir: string
}

/**
 * `POST /api/reports/:reportId/removal`: the admin takes a report off the endpoint, with a
 * reason: its entries, photos, revisions and reviews go, and the photos' bytes when nothing else
 * holds them. What stays is the removal (report id, unit, reason, who and when) and the audit
 * entry, so the unit's phones drop their copies on their next pull and the report is never
 * taken again.
 */
export async function removeReport(db: Kysely<Database>, dirs: PhotoDirs, admin: Manager, reportId: string, body: RemovalRequest, now = new Date()): Promise<void> {
  assertAdmin(admin)
  const reason = reasonOf(body)
  const shas = await db.transaction().execute(async (trx) => {
    const report = await reportOfBloc(trx, admin, reportId)
    const photos = await trx.selectFrom('photo').select('sha256').where('report_id', '=', reportId).execute()
    await trx.deleteFrom('review').where('report_id', '=', reportId).execute()
    await trx.deleteFrom('report_entry').where('report_id', '=', reportId).execute()
    await trx.deleteFrom('photo').where('report_id', '=', reportId).execute()
    await trx.deleteFrom('report_revision').where('report_id', '=', reportId).execute()
    await trx.deleteFrom('report').where('id', '=', reportId).execute()
    await recordRemoval(trx, admin, { reportId, photoId: null, unitId: report.unit_id, reason }, now)
    await audit(trx, admin, 'report.remove', report.unit_id, { receipt: report.receipt_number, commune: report.commune_name, photos: photos.length, reason }, now)
    return dropUnheldBlobs(
      trx,
      photos.map((photo) => photo.sha256),
    )
  })
  await deleteBlobFiles(dirs, shas)
}

/**
 * `POST /api/reports/:reportId/photos/:photoId/removal`: the admin takes one photo of a report
 * off the endpoint, with a reason. The report stays; its revisions no longer list the photo.
 */
export async function removePhoto(db: Kysely<Database>, dirs: PhotoDirs, admin: Manager, reportId: string, photoId: string, body: RemovalRequest, now = new Date()): Promise<void> {
  assertAdmin(admin)
  const reason = reasonOf(body)
  const shas = await db.transaction().execute(async (trx) => {
    const report = await reportOfBloc(trx, admin, reportId)
    const photo = await trx.selectFrom('photo').select(['sha256', 'caption']).where('report_id', '=', reportId).where('id', '=', photoId).executeTakeFirst()
    if (!photo) throw notFound('photo')
    await trx.deleteFrom('photo').where('report_id', '=', reportId).where('id', '=', photoId).execute()
    // The revisions as sent keep their words and figures, not the photo's caption or hash.
    const unlisted = (body: string) => {
      const sent = JSON.parse(body) as PushedReport
      return JSON.stringify({ ...sent, photos: sent.photos.filter((item) => item.id !== photoId) })
    }
    const held = await trx.selectFrom('report').select('body').where('id', '=', reportId).executeTakeFirstOrThrow()
    await trx
      .updateTable('report')
      .set({ body: unlisted(held.body) })
      .where('id', '=', reportId)
      .execute()
    for (const revision of await trx.selectFrom('report_revision').select(['revision', 'body']).where('report_id', '=', reportId).execute()) {
      await trx
        .updateTable('report_revision')
        .set({ body: unlisted(revision.body) })
        .where('report_id', '=', reportId)
        .where('revision', '=', revision.revision)
        .execute()
    }
    await recordRemoval(trx, admin, { reportId, photoId, unitId: report.unit_id, reason }, now)
    await audit(trx, admin, 'photo.remove', report.unit_id, { receipt: report.receipt_number, commune: report.commune_name, caption: photo.caption, reason }, now)
    return dropUnheldBlobs(trx, [photo.sha256])
  })
  await deleteBlobFiles(dirs, shas)
}

/** Of these report ids, those the admin removed, with the unit whose report it was and the reason. */
export async function removedReports(db: Db, reportIds: readonly string[]): Promise<Map<string, { unitId: string; reason: string }>> {
  if (!reportIds.length) return new Map()
  const rows = await db
    .selectFrom('removal')
    .select(['report_id', 'unit_id', 'reason'])
    .where('report_id', 'in', [...reportIds])
    .where('photo_id', 'is', null)
    .execute()
  return new Map(rows.map((row) => [row.report_id, { unitId: row.unit_id, reason: row.reason }]))
}

/** Of these reports' photos, those the admin removed, as `reportId/photoId`. */
export async function removedPhotos(db: Db, reportIds: readonly string[]): Promise<Set<string>> {
  if (!reportIds.length) return new Set()
  const rows = await db
    .selectFrom('removal')
    .select(['report_id', 'photo_id'])
    .where('report_id', 'in', [...reportIds])
    .where('photo_id', 'is not', null)
    .execute()
  return new Set(rows.map((row) => `${row.report_id}/${row.photo_id}`))
}

function reasonOf(body: RemovalRequest): string {
  const reason = body.reason.trim()
  if (!reason) throw invalid('Say why it is removed', [{ field: 'reason', rule: 'required' }])
  return reason
}

/** The report, if it is of a unit of the admin's bloc: anything else is answered as not found. */
async function reportOfBloc(trx: Transaction<Database>, admin: Manager, reportId: string) {
  const report = await trx
    .selectFrom('report')
    .innerJoin('unit', 'unit.id', 'report.unit_id')
    .innerJoin('commune', 'commune.id', 'report.commune_id')
    .innerJoin('unit as own', 'own.bloc_id', 'unit.bloc_id')
    .select(['report.unit_id', 'report.receipt_number', 'commune.name as commune_name'])
    .where('report.id', '=', reportId)
    .where('own.id', '=', admin.unitId)
    .executeTakeFirst()
  if (!report) throw notFound('report')
  return report
}

async function recordRemoval(
  trx: Transaction<Database>,
  admin: Manager,
  removal: { reportId: string; photoId: string | null; unitId: string; reason: string },
  now: Date,
): Promise<void> {
  await trx
    .insertInto('removal')
    .values({
      id: randomUUID(),
      report_id: removal.reportId,
      photo_id: removal.photoId,
      unit_id: removal.unitId,
      reason: removal.reason,
      removed_by: admin.id,
      removed_at: now.toISOString(),
      rev: await nextRevision(trx),
    })
    .execute()
}

/**
 * Drop the stored bytes no report photo or exemplary case's photo names any more; answers their
 * hashes. Each blob row is locked first: a push naming the same bytes at once (which locks it
 * to share) either commits first, and its photo row keeps the bytes, or waits and finds them gone.
 */
export async function dropUnheldBlobs(trx: Transaction<Database>, shas: string[]): Promise<string[]> {
  const unheld: string[] = []
  for (const sha256 of new Set(shas)) {
    if (!(await lockedFor(trx, 'update', trx.selectFrom('photo_blob').select('sha256').where('sha256', '=', sha256)).executeTakeFirst())) continue
    const photo = await trx.selectFrom('photo').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst()
    const exemplarPhoto = await trx.selectFrom('exemplar_photo').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst()
    if (photo || exemplarPhoto) continue
    await trx.deleteFrom('photo_blob').where('sha256', '=', sha256).execute()
    unheld.push(sha256)
  }
  return unheld
}

/** After the commit: the files of bytes no row names any more, and their thumbnails. */
export async function deleteBlobFiles({ photos, thumbsDir }: PhotoDirs, shas: string[]): Promise<void> {
  for (const sha256 of shas) {
    // The removal is committed: bytes left in an unreachable bucket cost space, not a failed answer.
    await photos.remove(sha256).catch(() => undefined)
    await fs.rm(`${blobPath(thumbsDir, sha256)}.jpg`, { force: true })
  }
}
