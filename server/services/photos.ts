import type { Kysely } from 'kysely'
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

/** Whether `ownerId` is a report or an exemplary case of `unitId`: false as well when there is no such thing. */
export async function isUnitReport(db: Db, ownerId: string, unitId: string): Promise<boolean> {
  const row = await db
    .selectFrom('report')
    .select('unit_id')
    .where('id', '=', ownerId)
    .unionAll(db.selectFrom('exemplar').select('unit_id').where('id', '=', ownerId))
    .executeTakeFirst()
  return row?.unit_id === unitId
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

/** Note a photo's bytes as stored and every photo with those bytes as received, in one transaction. */
export async function recordPhotoBlob(db: Kysely<Database>, blob: { sha256: string; size: number; type: string }, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('photo_blob')
      .values({ sha256: blob.sha256, size: blob.size, type: blob.type })
      .onConflict((conflict) => conflict.column('sha256').doNothing())
      .execute()
    for (const table of ['photo', 'exemplar_photo'] as const)
      await trx.updateTable(table).set({ received_at: now.toISOString() }).where('sha256', '=', blob.sha256).where('received_at', 'is', null).execute()
  })
}
