import fp from 'fastify-plugin'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../db/schema'
import { migrateDatabase, openDatabase, dialectOf, type DatabaseTarget, type Dialect } from '../db/database'
import { keepStampsRising } from '../services/reference'

export interface DatabaseStatus {
  status: 'ok' | 'error'
  dialect: Dialect
  migration: string | null
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<Database>
    /** Ask the database itself: answers, and which migration it is at. */
    databaseStatus(): Promise<DatabaseStatus>
  }
}

/** The database, migrated before the endpoint takes any request, closed with the endpoint. */
export default fp<DatabaseTarget>(
  async (app, target) => {
    const db = openDatabase(target)
    const dialect = dialectOf(db)
    const migration = await migrateDatabase(db)
    await keepStampsRising(db)
    app.log.info({ dialect, ...(dialect === 'sqlite' && { file: target.file }), migration }, 'database ready')

    app.decorate('db', db)
    app.decorate('databaseStatus', async (): Promise<DatabaseStatus> => {
      try {
        const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db)
        return { status: 'ok', dialect, migration: rows[0]?.name ?? null }
      } catch (error) {
        app.log.error({ err: error }, 'database check failed')
        return { status: 'error', dialect, migration }
      }
    })
    app.addHook('onClose', async () => {
      await db.destroy()
    })
  },
  { name: 'database' },
)
