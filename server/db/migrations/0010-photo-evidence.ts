import type { Kysely } from 'kysely'

/**
 * What makes a report's photo evidence: where and when the camera says it was taken (read from
 * its EXIF on the phone) and its fingerprint, to find the same picture in other reports.
 */
const COLUMNS = [
  ['captured_at', 'text'],
  ['captured_latitude', 'real'],
  ['captured_longitude', 'real'],
  ['fingerprint', 'text'],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [column, type] of COLUMNS) await db.schema.alterTable('photo').addColumn(column, type).execute()
  await db.schema.createIndex('photo_sha256').on('photo').column('sha256').ifNotExists().execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('photo_sha256').ifExists().execute()
  for (const [column] of COLUMNS) await db.schema.alterTable('photo').dropColumn(column).execute()
}
