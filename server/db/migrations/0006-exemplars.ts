import { sql, type Kysely } from 'kysely'

/**
 * Exemplary collectives and individuals (điển hình tiên tiến) put forward from the phones during
 * the year, with their photos; a proposal for commendation may name the one it came from.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('exemplar')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('author_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('device_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('individual', 'collective')`))
    .addColumn('nominee', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull())
    .addColumn('story', 'text', (col) => col.notNull())
    // The phone's revision and a hash of what it sent: the same proposal sent again is stored once.
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('content_hash', 'text', (col) => col.notNull())
    .addColumn('receipt_number', 'text', (col) => col.notNull().unique())
    .addColumn('committed_at', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    // Set when a lead or the admin changed the text on the dashboard.
    .addColumn('edited_at', 'text')
    .addColumn('edited_by', 'text', (col) => col.references('member.id'))
    .execute()
  await db.schema.createIndex('exemplar_covenant').on('exemplar').columns(['covenant_id', 'unit_id']).execute()

  await db.schema
    .createTable('exemplar_photo')
    .addColumn('exemplar_id', 'text', (col) => col.notNull().references('exemplar.id'))
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
    .addPrimaryKeyConstraint('exemplar_photo_pk', ['exemplar_id', 'id'])
    .execute()
  await db.schema.createIndex('exemplar_photo_sha256').on('exemplar_photo').column('sha256').execute()

  await db.schema
    .alterTable('proposal')
    .addColumn('exemplar_id', 'text', (col) => col.references('exemplar.id'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('proposal').dropColumn('exemplar_id').execute()
  await db.schema.dropTable('exemplar_photo').execute()
  await db.schema.dropTable('exemplar').execute()
}
