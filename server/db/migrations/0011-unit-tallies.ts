import type { Kysely } from 'kysely'

/**
 * A unit's reports on a covenant in id order: the unit's figures are read a page of them at a
 * time (services/tallies.ts), each page a range of this index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('report_unit_covenant').on('report').columns(['unit_id', 'covenant_id', 'id']).ifNotExists().execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('report_unit_covenant').ifExists().execute()
}
