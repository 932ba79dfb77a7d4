import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError, requestJson, TimeoutError } from '@/sync/api'

/** A fetch that never answers, until its request is aborted. */
const silent: typeof fetch = (_url, init) =>
  new Promise((_resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
  })

describe('a request to the endpoint', () => {
  it('gives up after its timeout, as a timeout', async () => {
    await expect(requestJson('/api/push', { fetch: silent, timeoutMs: 10 })).rejects.toBeInstanceOf(TimeoutError)
  })

  it('counts a body cut off on the way as no answer', async () => {
    const cut: typeof fetch = () => Promise.resolve(new Response(new ReadableStream({ start: (controller) => controller.error(new TypeError('network error')) }), { status: 200 }))
    const failure = requestJson('/api/push', { fetch: cut })
    await expect(failure).rejects.toBeInstanceOf(NetworkError)
    await expect(failure).rejects.not.toBeInstanceOf(TimeoutError)
  })

  it('reads the endpoint’s error, its code and how long it asks to wait', async () => {
    const busy: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'busy', code: 'busy' }), { status: 503, headers: { 'retry-after': '30' } }),
      )
    const error = await requestJson('/api/push', { fetch: busy }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 503, code: 'busy', message: 'busy', retryAfterMs: 30_000 })
  })

  it('answers the parsed body when all is well', async () => {
    const ok: typeof fetch = () => Promise.resolve(new Response('{"results":[]}', { status: 200 }))
    expect(await requestJson('/api/push', { fetch: ok })).toEqual({ results: [] })
  })
})
