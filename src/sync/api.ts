import type { ErrorResponse } from '@/protocol'

/** The endpoint answered with an error: its status and, where it gave one, the case's `code`. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    message: string,
  ) {
    super(message)
  }
}

/** No answer at all: offline, the endpoint down, or too slow. */
export class NetworkError extends Error {
  override name = 'NetworkError'
}

export interface RequestOptions {
  method?: 'GET' | 'POST'
  token?: string
  body?: unknown
  /** Give up after this long: on 2G a request may take long, but not forever. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** One JSON request to the endpoint, on the same origin that served the app. */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = 'GET', token, body, timeoutMs = 30_000 } = options
  const headers: Record<string, string> = { accept: 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await (options.fetch ?? fetch)(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      cache: 'no-store',
    })
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : String(error))
  }
  const text = await response.text().catch(() => '')
  const parsed: unknown = text ? safeJson(text) : null
  if (!response.ok) {
    const problem = parsed as Partial<ErrorResponse> | null
    throw new ApiError(response.status, problem?.code, problem?.message ?? response.statusText)
  }
  return parsed as T
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
