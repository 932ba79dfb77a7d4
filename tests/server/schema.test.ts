import path from 'node:path'
import { sql, type Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { Database } from '../../server/db/schema'
import { migrateToLatest, openSqlite } from '../../server/db/sqlite'
import { migratePostgres, openPostgres } from '../../server/db/postgres'
import { tempDir, testDatabase } from './helper'

/**
 * The two engines' schemas, each read from the engine's own catalog after its migrations, in one
 * shape: tables, columns (type, null or not, default or not), keys, unique constraints, foreign
 * keys, checks and indexes. Types compare by kind: SQLite's `integer` is PostgreSQL's integer or
 * bigint, `real` is double precision.
 */
interface Schema {
  tables: Record<string, Table>
}

interface Table {
  columns: Record<string, string>
  primaryKey: string[]
  unique: string[]
  foreignKeys: string[]
  checks: string[]
  indexes: string[]
}

const kinds: Record<string, string> = { text: 'text', integer: 'integer', bigint: 'integer', real: 'real', 'double precision': 'real' }

/** A check's words that say what it allows: the table's columns it names, and its literals. */
function checkOf(expression: string, columns: string[]): string {
  const literals = [...expression.matchAll(/'([^']*)'|\b(\d+)\b/g)].map((match) => match[1] ?? match[2] ?? '')
  const named = columns.filter((column) => new RegExp(`\\b${column}\\b`).test(expression))
  return [...named, ...literals.sort()].join(' ')
}

const sorted = (items: string[]) => [...items].sort()

async function sqliteSchema(db: Kysely<Database>): Promise<Schema> {
  const { rows: tables } = await sql<{ name: string; sql: string }>`
    select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)
  const schema: Schema = { tables: {} }
  for (const { name, sql: definition } of tables) {
    const { rows: columns } = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; pk: number }>`
      select name, type, "notnull", dflt_value, pk from pragma_table_info(${name})`.execute(db)
    const { rows: indexes } = await sql<{ name: string; unique: number; origin: string }>`select name, "unique", origin from pragma_index_list(${name})`.execute(db)
    const columnsOf = async (index: string) =>
      (await sql<{ name: string }>`select name from pragma_index_info(${index}) order by seqno`.execute(db)).rows.map((row) => row.name).join(',')
    const { rows: keys } = await sql<{ id: number; from: string; table: string; to: string }>`
      select id, "from", "table", "to" from pragma_foreign_key_list(${name}) order by id, seq`.execute(db)
    const names = columns.map((column) => column.name)
    schema.tables[name] = {
      columns: Object.fromEntries(
        // A primary key is never null, whatever SQLite's catalog says of a column it did not mark NOT NULL.
        columns.map((column) => [
          column.name,
          `${kinds[column.type.toLowerCase()]} ${column.notnull || column.pk ? 'not null' : 'null'}${column.dflt_value === null ? '' : ' default'}`,
        ]),
      ),
      primaryKey: columns
        .filter((column) => column.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((column) => column.name),
      unique: sorted(await Promise.all(indexes.filter((index) => index.origin === 'u').map((index) => columnsOf(index.name)))),
      foreignKeys: sorted(keys.map((key) => `${key.from} -> ${key.table}.${key.to}`)),
      checks: sorted([...definition.matchAll(/check \(((?:[^()]|\([^()]*\))*)\)/gi)].map((match) => checkOf(match[1] ?? '', names))),
      indexes: sorted(await Promise.all(indexes.filter((index) => index.origin === 'c').map(async (index) => `${index.name} (${await columnsOf(index.name)})`))),
    }
  }
  return schema
}

async function postgresSchema(db: Kysely<Database>): Promise<Schema> {
  const { rows: tables } = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%' order by table_name`.execute(db)
  const schema: Schema = { tables: {} }
  for (const { name } of tables) {
    const { rows: columns } = await sql<{ name: string; type: string; nullable: string; dflt: string | null; identity: string }>`
      select column_name as name, data_type as type, is_nullable as nullable, column_default as dflt, is_identity as identity
      from information_schema.columns where table_schema = 'public' and table_name = ${name} order by ordinal_position`.execute(db)
    const { rows: constraints } = await sql<{ type: string; columns: string[]; definition: string; name: string }>`
      select c.contype as type, c.conname as name, pg_get_constraintdef(c.oid) as definition,
             array(select a.attname from unnest(c.conkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_constraint c where c.conrelid = ${name}::regclass`.execute(db)
    const { rows: indexes } = await sql<{ name: string; columns: string[] }>`
      select i.relname as name, array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.attnum order by k.n)::text[] as columns
      from pg_index x join pg_class i on i.oid = x.indexrelid
      where x.indrelid = ${name}::regclass and not x.indisunique and not x.indisprimary`.execute(db)
    const names = columns.map((column) => column.name)
    const of = (type: string) => constraints.filter((constraint) => constraint.type === type)
    schema.tables[name] = {
      columns: Object.fromEntries(
        columns.map((column) => [
          column.name,
          // SQLite's autoincrement key is PostgreSQL's identity column; neither is given a default in SQLite's catalog.
          `${kinds[column.type]} ${column.nullable === 'YES' ? 'null' : 'not null'}${column.dflt === null ? '' : ' default'}`,
        ]),
      ),
      primaryKey: of('p')[0]?.columns ?? [],
      unique: sorted(of('u').map((constraint) => constraint.columns.join(','))),
      foreignKeys: sorted(
        of('f').map((constraint) => {
          const [, table, to] = /REFERENCES (\w+)\((\w+)\)/.exec(constraint.definition) ?? []
          return `${constraint.columns.join(',')} -> ${table}.${to}`
        }),
      ),
      checks: sorted(of('c').map((constraint) => checkOf(constraint.definition.replace(/::\w+/g, ''), names))),
      indexes: sorted(indexes.map((index) => `${index.name} (${index.columns.join(',')})`)),
    }
  }
  return schema
}

describe.skipIf(!process.env.TEST_DATABASE_URL)('the PostgreSQL schema', () => {
  it('holds the same tables, columns, keys, constraints and indexes as the SQLite migrations make', async () => {
    const lite = openSqlite(path.join(tempDir(), 'schema.sqlite'))
    const postgres = openPostgres((await testDatabase({ empty: true }))!, 1)
    try {
      await migrateToLatest(lite)
      await migratePostgres(postgres)
      const [expected, actual] = [await sqliteSchema(lite), await postgresSchema(postgres)]
      expect(Object.keys(actual.tables)).toEqual(Object.keys(expected.tables))
      for (const table of Object.keys(expected.tables)) expect({ table, ...actual.tables[table] }).toEqual({ table, ...expected.tables[table] })
      // Not a comparison of two empty lists.
      expect(Object.keys(expected.tables).length).toBeGreaterThan(25)
      expect(Object.values(expected.tables).flatMap((table) => table.checks).length).toBeGreaterThan(10)
    } finally {
      await lite.destroy()
      await postgres.destroy()
    }
  })
})
