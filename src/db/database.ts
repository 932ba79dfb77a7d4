import { Dexie, type EntityTable } from 'dexie'

/** A key–value row for facts about this installation (first start, last pull cursor, …). */
export interface MetaRow {
  key: string
  value: unknown
}

/**
 * The phone's database. Every `version(n)` stays here forever: a new app version must be able
 * to open and migrate the data of any older one, queued reports included.
 */
export class AppDatabase extends Dexie {
  meta!: EntityTable<MetaRow, 'key'>

  constructor(name = 'giao-uoc') {
    super(name)
    this.version(1).stores({
      meta: 'key',
    })
  }
}

export const db = new AppDatabase()
