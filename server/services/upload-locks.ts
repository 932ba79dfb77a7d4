import pg from 'pg'
import { ERRORS, MemoryLocker, type Lock, type Locker, type RequestRelease } from '@tus/server'

/**
 * Who may write to an upload at a time. tus takes a lock on an upload for each request that
 * changes it, so that two PATCHes never append to the same file at once (a phone's retry racing
 * its first try on a half-open connection). One endpoint process: tus's lock in memory. Several
 * on PostgreSQL: that lock first, then a PostgreSQL advisory lock on the upload's id, held on a
 * connection of its own for as long as the request writes, so a PATCH sent to another process
 * waits for it too. A process that dies drops its connection, and PostgreSQL its locks.
 */
export interface UploadLocks {
  locker: Locker
  close: () => Promise<void>
}

/** Connections set apart for upload locks, besides the pool queries use: one per upload being written. */
export const UPLOAD_LOCK_CONNECTIONS = 50
const ACQUIRE_TIMEOUT_MS = 30_000
const RETRY_MS = 100

export function uploadLocks(databaseUrl: string | undefined, timeoutMs = ACQUIRE_TIMEOUT_MS): UploadLocks {
  const memory = new MemoryLocker({ acquireLockTimeout: timeoutMs })
  if (!databaseUrl) return { locker: memory, close: () => Promise.resolve() }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: UPLOAD_LOCK_CONNECTIONS, connectionTimeoutMillis: timeoutMs })
  pool.on('error', () => {})
  return { locker: { newLock: (id) => new AdvisoryLock(id, memory.newLock(id), pool, timeoutMs) }, close: () => pool.end() }
}

/** tus's own refusal for a lock not had in time, which it answers as it is (500, and the phone tries again). */
function timedOut(): never {
  // eslint-disable-next-line @typescript-eslint/only-throw-error -- tus's errors are its own objects of status and body
  throw ERRORS.ERR_LOCK_TIMEOUT
}

class AdvisoryLock implements Lock {
  private client: pg.PoolClient | undefined

  constructor(
    private readonly id: string,
    private readonly local: Lock,
    private readonly pool: pg.Pool,
    private readonly timeoutMs: number,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    await this.local.lock(signal, requestRelease)
    try {
      this.client = await this.advisoryLock(signal)
    } catch (error) {
      await this.local.unlock()
      throw error
    }
  }

  /** A connection of its own holding the advisory lock on the upload, had within the wait. */
  private async advisoryLock(signal: AbortSignal): Promise<pg.PoolClient> {
    const deadline = Date.now() + this.timeoutMs
    let client: pg.PoolClient
    try {
      client = await this.pool.connect()
    } catch (error) {
      // Every lock connection busy past the wait is a lock not had in time; any other failure says its own reason.
      if (error instanceof Error && /timeout/i.test(error.message)) timedOut()
      throw error
    }
    let held: boolean
    try {
      for (;;) {
        held = (await client.query<{ held: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as held', [this.id])).rows[0]?.held === true
        if (held || signal.aborted || Date.now() > deadline) break
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS))
      }
    } catch (error) {
      // A connection whose query failed is closed, not given back.
      client.release(true)
      throw error
    }
    if (held) return client
    client.release()
    return timedOut()
  }

  async unlock(): Promise<void> {
    const client = this.client
    this.client = undefined
    try {
      await client?.query('select pg_advisory_unlock(hashtextextended($1, 0))', [this.id])
      client?.release()
    } catch {
      // A connection that cannot say unlock is closed: PostgreSQL then drops its locks.
      client?.release(true)
    } finally {
      await this.local.unlock()
    }
  }
}
