import { db as defaultDb, type AppDatabase } from './database'

export async function getMeta<T>(key: string, db: AppDatabase = defaultDb): Promise<T | undefined> {
  const row = await db.meta.get(key)
  return row?.value as T | undefined
}

export async function setMeta(key: string, value: unknown, db: AppDatabase = defaultDb): Promise<void> {
  await db.meta.put({ key, value })
}

/**
 * Open the database and record when this device first opened it; answers that moment.
 * Opening here, at start-up, surfaces a broken IndexedDB (private mode, full disk) at once.
 */
export async function openDatabase(db: AppDatabase = defaultDb, now: () => Date = () => new Date()): Promise<string> {
  await db.open()
  return db.transaction('rw', db.meta, async () => {
    const first = await getMeta<string>('firstOpenedAt', db)
    if (first) return first
    const stamp = now().toISOString()
    await setMeta('firstOpenedAt', stamp, db)
    return stamp
  })
}
