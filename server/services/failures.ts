/**
 * Counts failed attempts (a wrong password, an unknown enrollment code) per key within a
 * window, so that guessing is slow. Kept in memory: one endpoint process, and a restart
 * forgetting the counts costs a guesser nothing they did not already have.
 */
export class FailureLimiter {
  /** Beyond this many keys, stale ones are swept on the next failure. */
  static maxKeys = 10_000
  private readonly failures = new Map<string, number[]>()

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

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), this.clock()])
    if (this.failures.size > FailureLimiter.maxKeys) for (const known of [...this.failures.keys()]) this.recent(known)
  }

  succeed(key: string): void {
    this.failures.delete(key)
  }

  private recent(key: string): number[] {
    const since = this.clock() - this.windowMs
    const recent = (this.failures.get(key) ?? []).filter((at) => at > since)
    if (recent.length) this.failures.set(key, recent)
    else this.failures.delete(key)
    return recent
  }
}
