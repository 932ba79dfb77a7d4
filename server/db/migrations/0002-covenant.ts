import { sql, type Kysely } from 'kysely'

// Shipped migrations are never edited: add a new numbered file instead.

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

/**
 * The bloc's reference data, and who may use the endpoint. Every reference row carries `rev`,
 * the value of the `revision` counter when it last changed: a phone's pull cursor is the
 * counter's value at its last pull.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('revision')
    .addColumn('id', 'integer', (col) => col.primaryKey().check(sql`id = 1`))
    .addColumn('value', 'integer', (col) => col.notNull())
    .execute()
  await sql`insert into revision (id, value) values (1, 0)`.execute(db)

  await db.schema
    .createTable('bloc')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('province', 'text', (col) => col.notNull())
    .addColumn('head_unit_id', 'text')
    .addColumn('deputy_unit_id', 'text')
    .addColumn('rev', 'integer', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('unit')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('bloc_id', 'text', (col) => col.notNull().references('bloc.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('short_name', 'text', (col) => col.notNull())
    .addColumn('rev', 'integer', (col) => col.notNull())
    .addUniqueConstraint('unit_name_unique', ['bloc_id', 'name'])
    .execute()

  await db.schema
    .createTable('commune')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('district', 'text', (col) => col.notNull())
    .addColumn('province', 'text', (col) => col.notNull())
    .addColumn('rev', 'integer', (col) => col.notNull())
    .addUniqueConstraint('commune_place_unique', ['province', 'district', 'name'])
    .execute()

  await db.schema
    .createTable('assignment')
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('commune_id', 'text', (col) => col.notNull().references('commune.id'))
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('rev', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('assignment_pk', ['unit_id', 'commune_id', 'year'])
    .execute()

  await db.schema
    .createTable('covenant')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('bloc_id', 'text', (col) => col.notNull().references('bloc.id'))
    .addColumn('year', 'integer', (col) => col.notNull())
    .addColumn('slogan', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('draft', 'signed', 'closed')`))
    .addColumn('signed_at', 'text')
    .addColumn('rev', 'integer', (col) => col.notNull())
    .addUniqueConstraint('covenant_year_unique', ['bloc_id', 'year'])
    .execute()

  await db.schema
    .createTable('commitment')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('covenant_id', 'text', (col) => col.notNull().references('covenant.id'))
    .addColumn('group_name', 'text', (col) => col.notNull())
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('measure', 'text', (col) => col.notNull().check(sql`measure in ('done', 'count', 'percent')`))
    .addColumn('target', 'real')
    .addColumn('unit_label', 'text', (col) => col.notNull())
    .addColumn('max_points', 'real', (col) => col.notNull())
    .addColumn('scope', 'text', (col) => col.notNull().check(sql`scope in ('unit', 'commune')`))
    .addColumn('rev', 'integer', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('commitment_covenant').on('commitment').columns(['covenant_id', 'position']).execute()

  await db.schema
    .createTable('member')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('unit_id', 'text', (col) => col.notNull().references('unit.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('role', 'text', (col) => col.notNull().check(sql`role in ('cadre', 'lead', 'admin')`))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('username', 'text', (col) => col.unique())
    .addColumn('password_hash', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('rev', 'integer', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('device')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('member_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('token_hash', 'text', (col) => col.notNull().unique())
    .addColumn('enrolled_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('revoked_at', 'text')
    .addColumn('last_seen_at', 'text')
    .execute()

  await db.schema
    .createTable('session')
    .addColumn('token_hash', 'text', (col) => col.primaryKey())
    .addColumn('member_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .execute()

  await db.schema
    .createTable('enrollment_code')
    .addColumn('code_hash', 'text', (col) => col.primaryKey())
    .addColumn('member_id', 'text', (col) => col.notNull().references('member.id'))
    .addColumn('created_by', 'text', (col) => col.references('member.id'))
    .addColumn('created_at', 'text', (col) => col.notNull().defaultTo(now))
    .addColumn('expires_at', 'text', (col) => col.notNull())
    .addColumn('used_at', 'text')
    .addColumn('device_id', 'text', (col) => col.references('device.id'))
    .addColumn('request_id', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['enrollment_code', 'session', 'device', 'member', 'commitment', 'covenant', 'assignment', 'commune', 'unit', 'bloc', 'revision']) {
    await db.schema.dropTable(table).execute()
  }
}
