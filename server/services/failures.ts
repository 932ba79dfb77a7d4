import { tooManyAttempts } from './errors'

/**
 * Counts attempts per key within a window: attempts that may fail (a password, an enrollment
 * code), so that guessing is slow, and what one phone sends, so that a runaway is held back. An attempt counts from the moment it starts, so many sent at once
 * are limited like many sent one after another; a success clears its key. Kept in memory: one
 * endpoint process, and a restart forgetting the counts gives a guesser little.
 */
export class FailureLimiter {
  /** Beyond this many keys, stale ones are swept on the next attempt. */
  static maxKeys = 10_000
  private readonly attempts = new Map<string, number[]>()

  constructor(
    readonly maxFailures: number,
    readonly windowMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

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

/** A limiter and its key for one attempt; `keepOnSuccess`: a success does not wipe what was counted (an address's count). */
export type LimitKey = readonly [FailureLimiter, string, { keepOnSuccess?: boolean }?]

/**
 * `attempt`, counted against each limiter's key before it starts and, unless the key says to
 * keep it, forgotten when it succeeds; refused with a 429 (`Too many <what>`) while any of the
 * keys must wait.
 */
export async function limitFailures<T>(keys: readonly LimitKey[], what: string, attempt: () => Promise<T>): Promise<T> {
  const wait = Math.max(...keys.map(([limiter, key]) => limiter.retryAfter(key)))
  if (wait > 0) throw tooManyAttempts(wait, `Too many ${what}; try again in ${Math.ceil(wait / 60)} minutes`)
  for (const [limiter, key] of keys) limiter.count(key)
  const result = await attempt()
  for (const [limiter, key, options] of keys) if (!options?.keepOnSuccess) limiter.succeed(key)
  return result
}
