import { sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

/**
 * The year's end: a covenant may now be `evaluating` between signed and closed; each covenant's
 * rules of evaluation and its publication; each unit's self-assessment; scores per unit and
 * commitment, by stage (`self`: the unit's own; `bloc`: the admin's, or in cross-scoring each
 * scoring unit's); bonus and penalty items; commendation proposals; the conference's vote.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await allowEvaluating(db)

  await db.schema
    .createTable('evaluation')
    .addColumn('covenant_id', 'text', (col) => col.primaryKey().references('covenant.id'))
    .addColumn('rules', 'text', (col) => col.notNull())
    .addColumn('published_at', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('self_assessment')
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('draft', 'submitted', 'returned')`))
    .addColumn('comment', 'text', (col) => col.notNull())
    .addColumn('submitted_at', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('self_assessment_pk', ['covenant_id', 'unit_id'])
    .execute()

  // `scorer_unit_id` is '' for the unit's own score and for the admin's; in cross-scoring, the scoring unit.
  await db.schema
    .createTable('score')
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('commitment_id', 'text', (col) => col.notNull().references('commitment.id'))
    .addColumn('stage', 'text', (col) => col.notNull().check(sql`stage in ('self', 'bloc')`))
    .addColumn('scorer_unit_id', 'text', (col) => col.notNull())
    .addColumn('points', 'real', (col) => col.notNull().check(sql`points >= 0`))
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('by_id', 'text', (col) => col.notNull().references('member.id'))
    .addPrimaryKeyConstraint('score_pk', ['covenant_id', 'unit_id', 'commitment_id', 'stage', 'scorer_unit_id'])
    .execute()

  await db.schema
    .createTable('score_item')
    .addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement())
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('stage', 'text', (col) => col.notNull().check(sql`stage in ('self', 'bloc')`))
    .addColumn('scorer_unit_id', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('bonus', 'penalty')`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('points', 'real', (col) => col.notNull().check(sql`points >= 0`))
    .addColumn('reason', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('score_item_unit').on('score_item').columns(['covenant_id', 'unit_id', 'stage']).execute()

  // A commendation proposed for an award: a unit, or a collective or person by name (điển hình tiên tiến).
  await db.schema
    .createTable('proposal')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('award', 'text', (col) => col.notNull())
    .addColumn('unit_id', 'text', (col) => col.references('unit.id'))
    .addColumn('nominee', 'text', (col) => col.notNull())
    .addColumn('achievements', 'text', (col) => col.notNull())
    .addColumn('evidence', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('proposed', 'approved')`))
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('proposal_covenant').on('proposal').column('covenant_id').execute()

  await db.schema
    .createTable('vote')
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('votes', 'integer', (col) => col.notNull().check(sql`votes >= 0`))
    .addPrimaryKeyConstraint('vote_pk', ['covenant_id', 'unit_id'])
    .execute()
}

/**
 * Loosen the covenant's status check to take `evaluating`. SQLite cannot alter a CHECK, and
 * rebuilding the table would need foreign keys off, which no transaction allows; loosening a
 * check is the case SQLite documents for editing the stored schema in place (`writable_schema`,
 * then a new `schema_version`). The migrator allows it only while migrations run.
 */
async function allowEvaluating(db: Kysely<unknown>): Promise<void> {
  const before = "status in ('draft', 'signed', 'closed')"
  const after = "status in ('draft', 'signed', 'evaluating', 'closed')"
  const { rows } = await sql<{ schema_version: number }>`pragma schema_version`.execute(db)
  await sql`pragma writable_schema = on`.execute(db)
  await sql`update sqlite_schema set sql = replace(sql, ${before}, ${after}) where type = 'table' and name = 'covenant'`.execute(db)
  await sql.raw(`pragma schema_version = ${(rows[0]?.schema_version ?? 0) + 1}`).execute(db)
  await sql`pragma writable_schema = off`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['vote', 'proposal', 'score_item', 'score', 'self_assessment', 'evaluation']) await db.schema.dropTable(table).execute()
}
