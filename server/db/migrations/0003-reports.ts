import { sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

/**
 * What the phones send: visit reports, their entries and photos, the photos' bytes by SHA-256,
 * and what each phone last said of itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One counter per covenant year: receipt numbers read "26-000123".
  await db.schema
    .createTable('receipt_sequence')
    .addColumn('year', 'integer', (col) => col.primaryKey())
    .addColumn('value', 'integer', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('report')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('commune_id', 'text', (col) => col.notNull().references('commune.id'))
    .addColumn('author_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('device_id', 'text', (col) => col.notNull().references('device.id'))
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('visit_date', 'text', (col) => col.notNull())
    .addColumn('visit_time', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('accuracy', 'real')
    .addColumn('located_at', 'text')
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('content_hash', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addColumn('receipt_number', 'text', (col) => col.notNull().unique())
    .addColumn('committed_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('report_unit').on('report').columns(['unit_id', 'visit_date']).execute()
  await db.schema.createIndex('report_commune').on('report').columns(['commune_id', 'visit_date']).execute()

  await db.schema
    .createTable('report_entry')
    .addColumn('report_id', 'text', (col) => col.notNull().references('report.id'))
    .addColumn('commitment_id', 'text', (col) => col.notNull().references('commitment.id'))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('not_started', 'in_progress', 'done')`))
    .addColumn('amount', 'real')
    .addColumn('note', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('report_entry_pk', ['report_id', 'commitment_id'])
    .execute()
  await db.schema.createIndex('report_entry_commitment').on('report_entry').column('commitment_id').execute()

  await db.schema
    .createTable('photo_blob')
    .addColumn('sha256', 'text', (col) => col.primaryKey())
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('stored_at', 'text', (col) => col.notNull().defaultTo(now))
    .execute()

  await db.schema
    .createTable('photo')
    .addColumn('report_id', 'text', (col) => col.notNull().references('report.id'))
    .addColumn('id', 'text', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('sha256', 'text', (col) => col.notNull())
    .addColumn('size', 'integer', (col) => col.notNull())
    .addColumn('type', 'text', (col) => col.notNull())
    .addColumn('width', 'integer', (col) => col.notNull())
    .addColumn('height', 'integer', (col) => col.notNull())
    .addColumn('caption', 'text', (col) => col.notNull())
    .addColumn('taken_at', 'text', (col) => col.notNull())
    .addColumn('received_at', 'text')
    .addColumn('removed_at', 'text')
    .addPrimaryKeyConstraint('photo_pk', ['report_id', 'id'])
    .execute()
  await db.schema.createIndex('photo_sha256').on('photo').column('sha256').execute()

  for (const [column, type] of [
    ['app_version', 'text'],
    ['waiting', 'integer'],
    ['free_bytes', 'integer'],
    ['last_push_at', 'text'],
  ] as const) {
    await db.schema.alterTable('device').addColumn(column, type).execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['last_push_at', 'free_bytes', 'waiting', 'app_version']) {
    await db.schema.alterTable('device').dropColumn(column).execute()
  }
  for (const table of ['photo', 'photo_blob', 'report_entry', 'report', 'receipt_sequence']) {
    await db.schema.dropTable(table).execute()
  }
}
