import type { Generated } from 'kysely'

/** Tables of the endpoint's database, as Kysely sees them. One interface per table. */
export interface Database {
  meta: MetaTable
}

export interface MetaTable {
  key: string
  value: string
  updated_at: Generated<string>
}
