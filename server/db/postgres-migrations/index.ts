import type { Migration } from 'kysely'
import * as m0011 from './0011-baseline'
import * as m0012 from '../migrations/0012-attempts'
import * as m0013 from '../migrations/0013-thumbnail-failures'
import * as m0014 from '../migrations/0014-blocs'

/**
 * PostgreSQL's migrations, by name. The baseline stands for SQLite's 0001 to 0011; a later change
 * comes under the same name in both lists: one file for both engines where Kysely's schema
 * builder says it for both, else a file here beside the one in `../migrations`.
 */
export const postgresMigrations: Record<string, Migration> = {
  '0011-baseline': m0011,
  '0012-attempts': m0012,
  '0013-thumbnail-failures': m0013,
  '0014-blocs': m0014,
}
