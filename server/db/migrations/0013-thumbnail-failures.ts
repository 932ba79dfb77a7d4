import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * Why no thumbnail can be made of a photo (damaged, or past the decoder's bound), once found:
 * kept with the photo's bytes in the database, so that no endpoint process tries again.
 * One file for both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : sql`text`
  await db.schema.alterTable('photo_blob').addColumn('thumbnail_error', text).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('photo_blob').dropColumn('thumbnail_error').execute()
}
