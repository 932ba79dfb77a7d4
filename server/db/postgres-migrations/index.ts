import type { Migration } from 'kysely'
import * as m0011 from './0011-baseline'

/**
 * PostgreSQL's migrations, by name. The baseline stands for SQLite's 0001 to 0011; a later change
 * comes as a file here and one in `../migrations` under the same name.
 */
export const postgresMigrations: Record<string, Migration> = {
  '0011-baseline': m0011,
}
