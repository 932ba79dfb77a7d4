import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError, TimeoutError } from '@/sync/api'
import { takeBatch } from '@/sync/queue'
import { BACKOFF, backoffMs, classify } from '@/sync/retry'
import { parseRetryAfter } from '@/sync/api'

describe('backoff between attempts', () => {
  it.each([
    [1, 0, 1000],
    [1, 1, 2000],
    [2, 1, 4000],
    [3, 0.5, 6000],
    [9, 1, 512_000],
    [10, 1, BACKOFF.maxMs],
    [50, 1, BACKOFF.maxMs],
    [1000, 0, BACKOFF.maxMs / 2],
  ])('attempt %d with jitter %d waits %d ms', (attempts, random, expected) => {
    expect(backoffMs(attempts, random)).toBe(expected)
  })

  it('waits at least what the endpoint asked for, never past the cap', () => {
    expect(backoffMs(1, 0, 30_000)).toBe(30_000)
    expect(backoffMs(1, 0, 24 * 3600_000)).toBe(BACKOFF.maxMs)
  })
})

describe('what a failure means', () => {
  it.each([
    ['no network', new NetworkError('Failed to fetch'), { kind: 'transient', error: 'offline', retryAfterMs: 0 }],
    ['a timeout', new TimeoutError('no answer'), { kind: 'transient', error: 'timeout', retryAfterMs: 0 }],
    ['a 500', new ApiError(500, undefined, 'boom'), { kind: 'transient', error: 'server', retryAfterMs: 0 }],
    ['a 502 from a proxy', new ApiError(502, undefined, 'Bad Gateway'), { kind: 'transient', error: 'server', retryAfterMs: 0 }],
    ['a 503 with Retry-After', new ApiError(503, undefined, 'down', 5000), { kind: 'transient', error: 'busy', retryAfterMs: 5000 }],
    ['a 429 with Retry-After', new ApiError(429, 'too_many_attempts', 'slow down', 60_000), { kind: 'transient', error: 'busy', retryAfterMs: 60_000 }],
    ['a 401', new ApiError(401, 'device_revoked', 'revoked'), { kind: 'revoked' }],
    // A captive portal's or a proxy's own page carries no endpoint code: the network is not really there.
    ['a 401 page from a captive portal', new ApiError(401, undefined, 'Unauthorized'), { kind: 'transient', error: 'offline', retryAfterMs: 0 }],
    ['a 403 page from a proxy', new ApiError(403, undefined, 'Forbidden'), { kind: 'transient', error: 'offline', retryAfterMs: 0 }],
    ['a 404 page from a proxy', new ApiError(404, undefined, 'Not Found'), { kind: 'transient', error: 'offline', retryAfterMs: 0 }],
    ['the endpoint’s 404', new ApiError(404, 'not_found', 'No such report'), { kind: 'refused', status: 404, message: 'No such report' }],
    [
      'a 400',
      new ApiError(400, 'invalid', 'body/reports must NOT have more than 50 items'),
      { kind: 'refused', status: 400, message: 'body/reports must NOT have more than 50 items' },
    ],
    ['a 413', new ApiError(413, undefined, 'too large'), { kind: 'refused', status: 413, message: 'too large' }],
    ['anything else', new Error('bug'), { kind: 'transient', error: 'server', retryAfterMs: 0 }],
  ])('%s', (_, error, failure) => {
    expect(classify(error)).toEqual(failure)
  })
})

describe('Retry-After', () => {
  const now = new Date('2026-11-25T10:00:00Z')
  it.each([
    [null, 0],
    ['', 0],
    ['120', 120_000],
    ['0', 0],
    ['Wed, 25 Nov 2026 10:01:00 GMT', 60_000],
    ['Wed, 25 Nov 2026 09:00:00 GMT', 0],
    ['soon', 0],
  ])('%j is %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms)
  })
})

describe('packing a push', () => {
  const size = (item: number) => item
  it('takes up to the item limit', () => {
    expect(takeBatch([1, 1, 1, 1, 1], size, 3, 100)).toEqual([1, 1, 1])
  })
  it('stops before the byte limit, keeping queue order', () => {
    expect(takeBatch([40, 40, 40, 1], size, 50, 100)).toEqual([40, 40])
  })
  it('always takes the first item, even alone over the limit', () => {
    expect(takeBatch([500, 1], size, 50, 100)).toEqual([500])
  })
  it('takes nothing from nothing', () => {
    expect(takeBatch([], size, 50, 100)).toEqual([])
  })
})
