import pg from 'pg'
import { migratePostgres, openPostgres } from '../../server/db/postgres'

/**
 * With TEST_DATABASE_URL (`npm run test:server:pg`), make the database every endpoint test copies
 * its own from: migrated once, so a test's database is a file copy, not a run of migrations.
 */
export const TEMPLATE = 'giao_uoc_template'

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

export default async function setup(): Promise<void> {
  const base = process.env.TEST_DATABASE_URL
  if (!base) return
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${TEMPLATE} with (force)`)
    await admin.query(`create database ${TEMPLATE}`)
  } finally {
    await admin.end()
  }
  const db = openPostgres(databaseUrl(base, TEMPLATE), 1)
  await migratePostgres(db)
  await db.destroy()
}
