import type { ErrorResponse } from '../protocol'

/** The endpoint answered with an error: its status and, where it gave one, the case's `code`. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
    /** From `Retry-After` on a 429 or 503: wait at least this long. */
    readonly retryAfterMs = 0,
    /** For a 400 `invalid`: the rules the request broke, by field. */
    readonly problems: { field: string; rule: string }[] = [],
  ) {
    super(message)
  }
}

/** No answer at all: offline, or the endpoint down. */
export class NetworkError extends Error {
  override name = 'NetworkError'
}

/** No answer in time: the request may or may not have reached the endpoint. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError'
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  token?: string
  /** Sent as JSON; a Blob (a file) as it is, with its own type. */
  body?: unknown
  /** Headers beside the token and the content's type. */
  headers?: Record<string, string>
  /** Give up after this long: on 2G a request may take long, but not forever. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** One JSON request to the endpoint, on the same origin that served the app. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { answer } = await request(path, options, (response) => response.text())
  return (answer ? safeJson(answer) : null) as T
}

/** A file from the endpoint (an export, a photo), with the name it suggests saving it under. */
export async function requestBlob(path: string, options: RequestOptions = {}): Promise<{ blob: Blob; name: string | null }> {
  const { response, answer } = await request(path, options, (received) => received.blob())
  return { blob: answer, name: /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? null }
}

/** The exchange itself: `read` takes a good answer's body; an error's body is read as the endpoint's JSON error. */
async function request<A>(path: string, options: RequestOptions, read: (response: Response) => Promise<A>): Promise<{ response: Response; answer: A }> {
  const { method = 'GET', token, body, timeoutMs = 30_000 } = options
  const file = body instanceof Blob
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = file ? body.type || 'application/octet-stream' : 'application/json'
  // The whole exchange, body included, gets `timeoutMs`: a stalled answer on 2G is no answer.
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), timeoutMs)
  let response: Response
  let answer: A | string
  try {
    response = await (options.fetch ?? fetch)(path, {
      method,
      headers,
      body: body === undefined ? undefined : file ? body : JSON.stringify(body),
      signal: controller.signal,
      cache: 'no-store',
    })
    answer = await (response.ok ? read(response) : response.text())
  } catch (error) {
    if (controller.signal.aborted) throw new TimeoutError(`no answer in ${timeoutMs} ms`)
    throw new NetworkError(error instanceof Error ? error.message : String(error))
  } finally {
    clearTimeout(timer)
  }
  if (!response.ok) {
    const problem = (typeof answer === 'string' && answer ? safeJson(answer) : null) as Partial<ErrorResponse> | null
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), new Date())
    throw new ApiError(response.status, problem?.code, problem?.message ?? response.statusText, retryAfter, problem?.problems ?? [])
  }
  return { response, answer: answer as A }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** `Retry-After` in milliseconds: seconds or an HTTP date; 0 when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number {
  if (!value) return 0
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? 0 : Math.max(0, at - now.getTime())
}
