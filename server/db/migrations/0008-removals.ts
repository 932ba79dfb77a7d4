import type { Kysely } from 'kysely'

/**
 * What the admin removed from the endpoint, with the reason: a whole report (`photo_id` null)
 * or one of its photos. The report's rows and the photo's bytes are gone; this row stays, so
 * the unit's phones drop their copies on their next pull (`rev`) and a phone sending the report
 * again hears that it was removed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('removal')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('report_id', 'text', (col) => col.notNull())
    .addColumn('photo_id', 'text')
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('removed_by', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('removed_at', 'text', (col) => col.notNull())
    .addColumn('rev', 'integer', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('removal_report').on('removal').columns(['report_id', 'photo_id']).execute()
  await db.schema.createIndex('removal_unit_rev').on('removal').columns(['unit_id', 'rev']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('removal').execute()
}
