import type { Kysely } from 'kysely'
import type { Database, Db } from '../db/schema'

/**
 * The photos a report lists, as the push and the uploads see them: which the endpoint still
 * waits for, which are received, and bytes noted as stored.
 */

/** The photos of these reports the endpoint still waits for, each report's in its order. */
export async function missingPhotos(db: Db, reportIds: string[]): Promise<Map<string, string[]>> {
  const missing = new Map<string, string[]>()
  if (!reportIds.length) return missing
  const rows = await db
    .selectFrom('photo')
    .select(['report_id', 'id'])
    .where('report_id', 'in', [...new Set(reportIds)])
    .where('removed_at', 'is', null)
    .where('received_at', 'is', null)
    .orderBy('report_id')
    .orderBy('position')
    .execute()
  for (const row of rows) missing.set(row.report_id, [...(missing.get(row.report_id) ?? []), row.id])
  return missing
}

/** The photos of a report the endpoint still waits for, in the report's order; it is complete when there are none. */
export async function photoProgress(db: Db, reportId: string): Promise<{ missingPhotos: string[]; complete: boolean }> {
  const missing = (await missingPhotos(db, [reportId])).get(reportId) ?? []
  return { missingPhotos: missing, complete: missing.length === 0 }
}

/** Whether `reportId` is a report of `unitId`: false as well when there is no such report. */
export async function isUnitReport(db: Db, reportId: string, unitId: string): Promise<boolean> {
  const row = await db.selectFrom('report').select('unit_id').where('id', '=', reportId).executeTakeFirst()
  return row?.unit_id === unitId
}

/** A photo as its report now lists it, or undefined. */
export async function listedPhoto(db: Db, reportId: string, photoId: string) {
  return db
    .selectFrom('photo')
    .select(['sha256', 'size', 'received_at as receivedAt'])
    .where('report_id', '=', reportId)
    .where('id', '=', photoId)
    .where('removed_at', 'is', null)
    .executeTakeFirst()
}

/** Note a photo's bytes as stored and every photo with those bytes as received, in one transaction. */
export async function recordPhotoBlob(db: Kysely<Database>, blob: { sha256: string; size: number; type: string }, now = new Date()): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('photo_blob')
      .values(blob)
      .onConflict((conflict) => conflict.column('sha256').doNothing())
      .execute()
    await trx.updateTable('photo').set({ received_at: now.toISOString() }).where('sha256', '=', blob.sha256).where('received_at', 'is', null).execute()
  })
}
