import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * Every accepted revision of a report, with the device and member that sent it and when: a
 * report row holds the latest, this table what came before, so the dashboard can show who
 * wrote what and what changed. Reports held before it start with their latest revision.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('report_revision')
    .addColumn('report_id', 'text', (col) => col.notNull().references('report.id'))
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('device_id', 'text', (col) => col.notNull())
    .addColumn('member_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('committed_at', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('report_revision_pk', ['report_id', 'revision'])
    .execute()
  await sql`insert into report_revision (report_id, revision, device_id, member_id, committed_at, body)
    select id, revision, device_id, author_id, committed_at, body from report`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('report_revision').execute()
}
