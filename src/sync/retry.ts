import type { SendError } from '@/db/database'
import { ApiError, NetworkError, TimeoutError } from './api'

/** Waits between attempts: from 2 s, doubling, never more than 15 minutes; never giving up. */
export const BACKOFF = { firstMs: 2000, maxMs: 15 * 60 * 1000 } as const

/**
 * How long to wait before attempt `attempts + 1`, with jitter so that phones that lost the
 * network together do not come back together: between half and all of the doubled delay.
 * `retryAfterMs`, when the endpoint asked for it, is waited at least.
 */
export function backoffMs(attempts: number, random: number, retryAfterMs = 0): number {
  const doubled = Math.min(BACKOFF.maxMs, BACKOFF.firstMs * 2 ** Math.max(0, attempts - 1))
  const jittered = doubled / 2 + (doubled / 2) * random
  return Math.min(BACKOFF.maxMs, Math.max(jittered, retryAfterMs))
}

/** What to do after a failed request. */
export type Failure =
  /** Try again later: no network, a timeout, the endpoint down or busy. */
  | { kind: 'transient'; error: SendError; retryAfterMs: number }
  /** The device token is no longer valid: stop, keep everything. */
  | { kind: 'revoked' }
  /** The endpoint refused what was sent (4xx): retrying the same thing cannot help. */
  | { kind: 'refused'; status: number; message: string }

/**
 * Statuses a captive portal or a proxy answers with a page of its own. From the endpoint they
 * always carry its error `code`; without one they are not the endpoint's word, and mean only
 * that the network is not really there: never "revoked", never "refused".
 */
const PORTAL_STATUSES = [401, 403, 404]

/** Whether a failed answer came from something between the phone and the endpoint. */
export const notFromEndpoint = (status: number, code: string | undefined) => PORTAL_STATUSES.includes(status) && code === undefined

export function classify(error: unknown): Failure {
  if (error instanceof TimeoutError) return { kind: 'transient', error: 'timeout', retryAfterMs: 0 }
  if (error instanceof NetworkError) return { kind: 'transient', error: 'offline', retryAfterMs: 0 }
  if (error instanceof ApiError) {
    if (notFromEndpoint(error.status, error.code)) return { kind: 'transient', error: 'offline', retryAfterMs: 0 }
    if (error.status === 401) return { kind: 'revoked' }
    if (error.status === 429 || error.status === 503) return { kind: 'transient', error: 'busy', retryAfterMs: error.retryAfterMs }
    if (error.status >= 500 || error.status === 408) return { kind: 'transient', error: 'server', retryAfterMs: 0 }
    return { kind: 'refused', status: error.status, message: error.message }
  }
  // Anything else (a bug, a broken answer) is treated as passing: nothing is dropped for it.
  return { kind: 'transient', error: 'server', retryAfterMs: 0 }
}
