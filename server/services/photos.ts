import type { Kysely, Transaction } from 'kysely'
import { lockedFor } from '../db/database'
import type { Database, Db } from '../db/schema'

/**
 * The photos a report or an exemplary case lists, as the push and the uploads see them: which
 * the endpoint still waits for, which are received, and bytes noted as stored. A photo upload
 * names its report or case in the same `reportId` metadata: both are ids made on the phone.
 */

/** The photos of these reports and cases the endpoint still waits for, each one's in its order. */
export async function missingPhotos(db: Db, ownerIds: string[]): Promise<Map<string, string[]>> {
  const missing = new Map<string, string[]>()
  if (!ownerIds.length) return missing
  const ids = [...new Set(ownerIds)]
  const ofReports = db
    .selectFrom('photo')
    .select(['report_id as owner', 'id', 'position'])
    .where('report_id', 'in', ids)
    .where('removed_at', 'is', null)
    .where('received_at', 'is', null)
  const ofExemplars = db.selectFrom('exemplar_photo').select(['exemplar_id as owner', 'id', 'position']).where('exemplar_id', 'in', ids).where('received_at', 'is', null)
  const rows = await ofReports.unionAll(ofExemplars).orderBy('owner').orderBy('position').execute()
  for (const row of rows) missing.set(row.owner, [...(missing.get(row.owner) ?? []), row.id])
  return missing
}

/** The photos of a report the endpoint still waits for, in the report's order; it is complete when there are none. */
export async function photoProgress(db: Db, reportId: string): Promise<{ missingPhotos: string[]; complete: boolean }> {
  const missing = (await missingPhotos(db, [reportId])).get(reportId) ?? []
  return { missingPhotos: missing, complete: missing.length === 0 }
}

/** The unit of a report or an exemplary case, or undefined when there is no such thing. */
export async function unitOfOwner(db: Db, ownerId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('report')
    .select('unit_id')
    .where('id', '=', ownerId)
    .unionAll(db.selectFrom('exemplar').select('unit_id').where('id', '=', ownerId))
    .executeTakeFirst()
  return row?.unit_id
}

/** Whether `ownerId` is a report or an exemplary case of `unitId`: false as well when there is no such thing. */
export async function isUnitReport(db: Db, ownerId: string, unitId: string): Promise<boolean> {
  return (await unitOfOwner(db, ownerId)) === unitId
}

/**
 * Of these photo hashes, those whose bytes the store holds and a report or case of the unit has
 * already received: a phone of the unit listing one again is spared the upload. Bytes only
 * another unit sent are asked for all the same, for a hash alone proves nothing: a phone that
 * merely knew it would otherwise be given another unit's (or bloc's) photo. The store's rows
 * are locked against a removal's deletion until the transaction commits (see `dropUnheldBlobs`).
 */
export async function receivedByUnit(trx: Transaction<Database>, unitId: string, shas: readonly string[]): Promise<Set<string>> {
  if (!shas.length) return new Set()
  const ofReports = trx
    .selectFrom('photo')
    .innerJoin('report', 'report.id', 'photo.report_id')
    .select('photo.sha256 as sha256')
    .where('report.unit_id', '=', unitId)
    .where('photo.sha256', 'in', [...shas])
    .where('photo.received_at', 'is not', null)
  const ofExemplars = trx
    .selectFrom('exemplar_photo')
    .innerJoin('exemplar', 'exemplar.id', 'exemplar_photo.exemplar_id')
    .select('exemplar_photo.sha256 as sha256')
    .where('exemplar.unit_id', '=', unitId)
    .where('exemplar_photo.sha256', 'in', [...shas])
    .where('exemplar_photo.received_at', 'is not', null)
  const received = new Set((await ofReports.union(ofExemplars).execute()).map((row) => row.sha256))
  if (!received.size) return received
  const stored = await lockedFor(
    trx,
    'share',
    trx
      .selectFrom('photo_blob')
      .select('sha256')
      .where('sha256', 'in', [...received]),
  ).execute()
  return new Set(stored.map((row) => row.sha256))
}

/** A photo as its report or case now lists it, or undefined. */
export async function listedPhoto(db: Db, ownerId: string, photoId: string) {
  return db
    .selectFrom('photo')
    .select(['sha256', 'size', 'received_at as receivedAt'])
    .where('report_id', '=', ownerId)
    .where('id', '=', photoId)
    .where('removed_at', 'is', null)
    .unionAll(db.selectFrom('exemplar_photo').select(['sha256', 'size', 'received_at as receivedAt']).where('exemplar_id', '=', ownerId).where('id', '=', photoId))
    .executeTakeFirst()
}

/**
 * Note a photo's bytes as stored, sent by a phone of `unitId` (or its rescue file), and every
 * photo of the unit's reports and cases with those bytes as received, in one transaction.
 * Another unit's photos with the same bytes wait for their own phone to send them (see
 * `receivedByUnit`).
 */
export async function recordPhotoBlob(db: Kysely<Database>, blob: { sha256: string; size: number; type: string }, unitId: string, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('photo_blob')
      .values({ sha256: blob.sha256, size: blob.size, type: blob.type })
      .onConflict((conflict) => conflict.column('sha256').doNothing())
      .execute()
    const at = now.toISOString()
    await trx
      .updateTable('photo')
      .set({ received_at: at })
      .where('sha256', '=', blob.sha256)
      .where('received_at', 'is', null)
      .where('report_id', 'in', trx.selectFrom('report').select('id').where('unit_id', '=', unitId))
      .execute()
    await trx
      .updateTable('exemplar_photo')
      .set({ received_at: at })
      .where('sha256', '=', blob.sha256)
      .where('received_at', 'is', null)
      .where('exemplar_id', 'in', trx.selectFrom('exemplar').select('id').where('unit_id', '=', unitId))
      .execute()
  })
}
