import { sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * What the dashboard adds: commitments retired from a signed covenant, reviews of reports (each
 * change of status kept, stamped with the revision counter so phones pull them), and the log
 * of what leads and the admin did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('commitment').addColumn('retired_at', 'text').execute()

  await db.schema
    .createTable('review')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('report_id', 'text', (col) => col.notNull().references('report.id'))
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('accepted', 'needs_more')`))
    .addColumn('comment', 'text', (col) => col.notNull())
    .addColumn('reviewer_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('rev', 'integer', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('review_report').on('review').columns(['report_id', 'at']).execute()
  await db.schema.createIndex('review_rev').on('review').column('rev').execute()

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('unit_id', 'text', (col) => col.references('unit.id'))
    .addColumn('action', 'text', (col) => col.notNull())
    .addColumn('details', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('audit_log_unit').on('audit_log').columns(['unit_id', 'id']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_log').execute()
  await db.schema.dropTable('review').execute()
  await db.schema.alterTable('commitment').dropColumn('retired_at').execute()
}
