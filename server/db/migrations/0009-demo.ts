import type { Kysely } from 'kysely'

/** The tables whose rows the demo seeds carry a mark: they show as demo data and one admin action removes them. */
const MARKED = ['bloc', 'unit', 'member', 'commune', 'covenant'] as const

/**
 * What `npm start` seeds is marked (`demo` 1): the dashboard, the exports and the rankings say
 * so, and removing the demo takes it away. A report is demo data when its author is.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of MARKED)
    await db.schema
      .alterTable(table)
      .addColumn('demo', 'integer', (col) => col.notNull().defaultTo(0))
      .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of MARKED) await db.schema.alterTable(table).dropColumn('demo').execute()
}
