import type { Kysely } from 'kysely'

/**
 * Indexes a year of a hundred thousand reports needs. A unit's reports on a covenant in id order:
 * the unit's figures are read a page of them at a time (services/tallies.ts). A covenant's
 * reports newest visit first: the dashboard's report list reads its page from the top of it
 * instead of sorting the year.
 */
const INDEXES = [
  ['report_unit_covenant', ['unit_id', 'covenant_id', 'id']],
  ['report_covenant_visit', ['covenant_id', 'visit_date', 'committed_at']],
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, columns] of INDEXES)
    await db.schema
      .createIndex(name)
      .on('report')
      .columns([...columns])
      .ifNotExists()
      .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).ifExists().execute()
}
