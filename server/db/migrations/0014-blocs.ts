import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * Many blocs on one endpoint. A commune is a place of the province, listed by every bloc whose
 * units help it (`bloc_commune`); the audit log says which bloc an entry belongs to; a member
 * may be of the province's emulation office (role `province`), who belongs to no unit. What an
 * endpoint of one bloc already holds becomes that bloc's. One file for both engines.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const text = postgres ? sql`text collate "C"` : sql`text`

  await db.schema
    .createTable('bloc_commune')
    .addColumn('bloc_id', text, (col) => col.notNull().references('bloc.id'))
    .addColumn('commune_id', text, (col) => col.notNull().references('commune.id'))
    .addPrimaryKeyConstraint('bloc_commune_pk', ['bloc_id', 'commune_id'])
    .execute()
  await db.schema.createIndex('bloc_commune_commune').on('bloc_commune').column('commune_id').execute()
  await db.schema
    .alterTable('audit_log')
    .addColumn('bloc_id', text, (col) => col.references('bloc.id'))
    .execute()
  await db.schema.createIndex('audit_log_bloc').on('audit_log').columns(['bloc_id', 'id']).execute()

  // Before this, an endpoint held one bloc at most: everything is that bloc's.
  const first = sql`(select id from bloc order by rev limit 1)`
  await sql`insert into bloc_commune (bloc_id, commune_id) select ${first}, id from commune where exists (select 1 from bloc)`.execute(db)
  await sql`update audit_log set bloc_id = ${first}`.execute(db)

  const roles = "role in ('cadre', 'lead', 'admin')"
  const withProvince = "role in ('cadre', 'lead', 'admin', 'province')"
  if (postgres) {
    await sql`alter table member alter column unit_id drop not null`.execute(db)
    await sql`alter table member drop constraint member_role_check`.execute(db)
    await sql.raw(`alter table member add constraint member_role_check check (${withProvince})`).execute(db)
    return
  }
  // SQLite cannot alter a column: the table's stored definition is edited, loosening two
  // constraints that rows already written all meet.
  const { rows } = await sql<{ schema_version: number }>`pragma schema_version`.execute(db)
  await sql`pragma writable_schema = on`.execute(db)
  await sql`update sqlite_schema set sql = replace(replace(sql, '"unit_id" text not null references', '"unit_id" text references'), ${roles}, ${withProvince}) where type = 'table' and name = 'member'`.execute(
    db,
  )
  await sql.raw(`pragma schema_version = ${(rows[0]?.schema_version ?? 0) + 1}`).execute(db)
  await sql`pragma writable_schema = off`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('audit_log_bloc').execute()
  await db.schema.alterTable('audit_log').dropColumn('bloc_id').execute()
  await db.schema.dropTable('bloc_commune').execute()
}
