import { PostgresAdapter, sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * Attempts counted against a limit (wrong passwords, wrong enrollment codes, a phone's requests
 * and photo uploads) where several endpoint processes must agree on them: on PostgreSQL. One
 * file for both engines (SQLite keeps its counts in memory, but holds the same tables).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const text = db.getExecutor().adapter instanceof PostgresAdapter ? sql`text collate "C"` : sql`text`
  await db.schema
    .createTable('attempt')
    .addColumn('limiter', text, (col) => col.notNull())
    .addColumn('key', text, (col) => col.notNull())
    .addColumn('at', 'bigint', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('attempt_key').on('attempt').columns(['limiter', 'key', 'at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attempt').execute()
}
