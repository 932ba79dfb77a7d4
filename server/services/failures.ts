import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../db/database'
import type { Database, Db } from '../db/schema'
import { tooManyAttempts } from './errors'

/**
 * Counts attempts per key within a window: attempts that may fail (a password, an enrollment
 * code), so that guessing is slow, and what one phone sends, so that a runaway is held back. An
 * attempt counts from the moment it starts, so many sent at once are limited like many sent
 * one after another; a success clears its key.
 */
export interface Limiter {
  /**
   * Count an attempt for `key` as it starts, unless `key` must wait: answers the seconds to
   * wait, or 0 when the attempt was counted and may go on. Checked and counted as one step, so
   * attempts sent all at once are limited like attempts sent one after another.
   */
  take(key: string): number | Promise<number>
  /** The attempt succeeded: forget what was counted against `key`. */
  succeed(key: string): void | Promise<void>
}

/**
 * The limiter `name` allowing `maxFailures` attempts in `windowMs`: in this process's memory on
 * SQLite (one endpoint process; a restart forgetting the counts gives a guesser little), in the
 * database on PostgreSQL, where several processes share the counts.
 */
export function limiter(db: Kysely<Database>, name: string, maxFailures: number, windowMs: number): Limiter {
  return dialectOf(db) === 'postgres' ? new SharedLimiter(db, name, maxFailures, windowMs) : new FailureLimiter(maxFailures, windowMs)
}

/** Counts kept in memory. */
export class FailureLimiter implements Limiter {
  /** Beyond this many keys, stale ones are swept on the next attempt. */
  static maxKeys = 10_000
  private readonly attempts = new Map<string, number[]>()

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  take(key: string): number {
    const wait = this.retryAfter(key)
    if (wait === 0) this.count(key)
    return wait
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const recent = this.recent(key)
    if (recent.length < this.maxFailures) return 0
    const oldest = recent[recent.length - this.maxFailures] ?? this.clock()
    return Math.max(1, Math.ceil((oldest + this.windowMs - this.clock()) / 1000))
  }

  /** Count an attempt as it starts, before anything is awaited: it stays counted unless it succeeds. */
  count(key: string): void {
    this.attempts.set(key, [...this.recent(key), this.clock()])
    if (this.attempts.size > FailureLimiter.maxKeys) for (const known of [...this.attempts.keys()]) this.recent(known)
  }

  /** The attempt succeeded: forget what was counted against `key`. */
  succeed(key: string): void {
    this.attempts.delete(key)
  }

  private recent(key: string): number[] {
    const since = this.clock() - this.windowMs
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > since)
    if (recent.length) this.attempts.set(key, recent)
    else this.attempts.delete(key)
    return recent
  }
}

/**
 * Counts kept in the `attempt` table, one row per attempt, for every process alike. An attempt
 * is checked and counted in one transaction; on PostgreSQL that transaction first takes an
 * advisory lock on the limiter and key, so attempts at the same key take turns, whichever
 * process they reach (SQLite's transactions take turns anyway).
 */
export class SharedLimiter implements Limiter {
  /** Every this many attempts counted, this process sweeps the limiter's rows past its window. */
  static sweepEvery = 1000
  private counted = 0

  constructor(
    private readonly db: Kysely<Database>,
    readonly name: string,
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  async take(key: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (dialectOf(trx) === 'postgres') await sql`select pg_advisory_xact_lock(hashtextextended(${`${this.name}|${key}`}, 0))`.execute(trx)
      const wait = await this.retryAfter(key, trx)
      if (wait === 0) await this.count(key, trx)
      return wait
    })
  }

  /** Seconds until `key` may try again, or 0 when it may now. */
  async retryAfter(key: string, db: Db = this.db): Promise<number> {
    const now = this.clock()
    const recent = await db
      .selectFrom('attempt')
      .select('at')
      .where('limiter', '=', this.name)
      .where('key', '=', key)
      .where('at', '>', now - this.windowMs)
      .orderBy('at', 'desc')
      .limit(this.maxFailures)
      .execute()
    const oldest = recent[this.maxFailures - 1]?.at
    return oldest === undefined ? 0 : Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000))
  }

  /** Count an attempt against `key`, whatever its count. */
  async count(key: string, db: Db = this.db): Promise<void> {
    const now = this.clock()
    await db.insertInto('attempt').values({ limiter: this.name, key, at: now }).execute()
    if (++this.counted % SharedLimiter.sweepEvery === 0) {
      await db
        .deleteFrom('attempt')
        .where('limiter', '=', this.name)
        .where('at', '<=', now - this.windowMs)
        .execute()
    }
  }

  async succeed(key: string): Promise<void> {
    await this.db.deleteFrom('attempt').where('limiter', '=', this.name).where('key', '=', key).execute()
  }
}

/** A limiter and its key for one attempt; `keepOnSuccess`: a success does not wipe what was counted (an address's count). */
export type LimitKey = readonly [Limiter, string, { keepOnSuccess?: boolean }?]

/**
 * `attempt`, counted against each limiter's key before it starts and, unless the key says to
 * keep it, forgotten when it succeeds; refused with a 429 (`Too many <what>`) while any of the
 * keys must wait.
 */
export async function limitFailures<T>(keys: readonly LimitKey[], what: string, attempt: () => Promise<T>): Promise<T> {
  for (const [counts, key] of keys) {
    // A key that must wait stops the attempt; what the keys before it counted stays counted.
    const wait = await counts.take(key)
    if (wait > 0) throw tooManyAttempts(wait, `Too many ${what}; try again in ${Math.ceil(wait / 60)} minutes`)
  }
  const result = await attempt()
  for (const [counts, key, options] of keys) if (!options?.keepOnSuccess) await counts.succeed(key)
  return result
}
