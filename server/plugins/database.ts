import fp from 'fastify-plugin'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema'
import { migrateToLatest, openSqlite } from '../db/sqlite'

export interface DatabaseStatus {
  status: 'ok' | 'error'
  dialect: 'sqlite'
  migration: string | null
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
    /** Ask the database itself: answers, and which migration it is at. */
    databaseStatus(): Promise<DatabaseStatus>
  }
}

export interface DatabaseOptions {
  file: string
}

/** The database, migrated before the endpoint takes any request, closed with the endpoint. */
export default fp<DatabaseOptions>(
  async (app, { file }) => {
    const db = openSqlite(file)
    const migration = await migrateToLatest(db)
    app.log.info({ file, migration }, 'database ready')

    app.decorate('db', db)
    app.decorate('databaseStatus', async (): Promise<DatabaseStatus> => {
      try {
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db)
        return { status: 'ok', dialect: 'sqlite', migration: rows[0]?.name ?? null }
      } catch (error) {
        app.log.error({ err: error }, 'database check failed')
        return { status: 'error', dialect: 'sqlite', migration }
      }
    })
    app.addHook('onClose', async () => {
      await db.destroy()
    })
  },
  { name: 'database' },
)
