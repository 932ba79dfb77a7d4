import { NetworkError, parseRetryAfter, TimeoutError } from './api'

/**
 * A tus 1.0 client (core and creation) over `fetch`, the only HTTP a service worker has: the app
 * and its worker send photos the same way. One request at a time, each given `timeoutMs`; a
 * failure ends the upload, and the next attempt asks the endpoint where it stands (HEAD) and goes
 * on from there. Progress moves a chunk at a time.
 */
export interface TusUpload {
  /** Where uploads are created (POST). */
  endpoint: string
  /** The upload an earlier attempt created, to resume; `null` to create one. */
  url: string | null
  blob: Blob
  metadata: Record<string, string>
  headers: Record<string, string>
  chunkBytes: number
  timeoutMs: number
  fetch?: typeof fetch
  /** The new upload's address, as soon as the endpoint gives it: kept to resume. */
  onUrl: (url: string) => Promise<void>
  /** Bytes the endpoint holds. */
  onProgress: (sent: number) => void
}

/** The endpoint (or something in its place) answered a tus request with an error. */
export class TusRefusal extends Error {
  override name = 'TusRefusal'
  constructor(
    readonly status: number,
    /** The endpoint's error code: absent from a captive portal's page. */
    readonly code: string | undefined,
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message)
  }
}

const TUS_VERSION = '1.0.0'

export async function uploadByTus(upload: TusUpload): Promise<void> {
  const size = upload.blob.size
  let url = upload.url
  let offset = url ? await offsetAt(upload, url) : null
  if (offset === null) {
    url = await create(upload)
    offset = 0
  }
  while (offset < size) {
    const chunk = upload.blob.slice(offset, Math.min(size, offset + upload.chunkBytes))
    const answer = await send(upload, url as string, 'PATCH', [204], {
      headers: { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
      body: chunk,
    })
    const next = Number(answer.headers.get('upload-offset'))
    if (!Number.isInteger(next) || next <= offset) throw new Error(`no progress from offset ${offset}`)
    offset = next
    upload.onProgress(offset)
  }
}

/** Where the upload at `url` stands; `null` when the endpoint no longer has it (a new one is made). */
async function offsetAt(upload: TusUpload, url: string): Promise<number | null> {
  try {
    const answer = await send(upload, url, 'HEAD', [200, 204])
    const offset = Number(answer.headers.get('upload-offset'))
    if (!Number.isInteger(offset) || offset < 0) throw new Error('no Upload-Offset in the answer')
    upload.onProgress(offset)
    return offset
  } catch (error) {
    // An answer to HEAD has no body: the endpoint's own is known by its tus or JSON headers.
    if (error instanceof TusRefusal && [404, 410].includes(error.status) && error.code !== undefined) return null
    throw error
  }
}

async function create(upload: TusUpload): Promise<string> {
  const answer = await send(upload, upload.endpoint, 'POST', [201], {
    headers: { 'upload-length': String(upload.blob.size), 'upload-metadata': encodeMetadata(upload.metadata) },
  })
  const location = answer.headers.get('location')
  if (!location) throw new Error('no Location for the new upload')
  // The endpoint answers with a path; kept whole, as the address to resume at.
  const url = new URL(location, new URL(upload.endpoint, (globalThis as { location?: { href: string } }).location?.href)).href
  await upload.onUrl(url)
  return url
}

/** Metadata as tus carries it: `key base64(value)`, comma separated. */
export function encodeMetadata(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}`)
    .join(',')
}

async function send(
  upload: TusUpload,
  url: string,
  method: 'HEAD' | 'POST' | 'PATCH',
  expected: number[],
  extra: { headers?: Record<string, string>; body?: Blob } = {},
): Promise<Response> {
  const controller = new AbortController()
  const timer = setTimeout(() => controller.abort(), upload.timeoutMs)
  try {
    const response = await (upload.fetch ?? fetch)(url, {
      method,
      headers: { ...upload.headers, ...extra.headers, 'tus-resumable': TUS_VERSION },
      body: extra.body ?? null,
      signal: controller.signal,
      // A cached HEAD would resume from a stale offset.
      cache: 'no-store',
    })
    const text = await response.text()
    if (expected.includes(response.status)) return response
    throw refusalOf(response, text)
  } catch (error) {
    if (error instanceof TusRefusal) throw error
    if (controller.signal.aborted) throw new TimeoutError(`no answer to ${method} in ${upload.timeoutMs} ms`)
    throw new NetworkError(error instanceof Error ? error.message : String(error))
  } finally {
    clearTimeout(timer)
  }
}

function refusalOf(response: Response, text: string): TusRefusal {
  let body: { code?: string; message?: string } = {}
  try {
    body = JSON.parse(text) as typeof body
  } catch {
    // A page, not the endpoint's JSON: its status says all there is.
  }
  // An error to HEAD carries no body; the endpoint's still says it is JSON, or speaks tus.
  const endpointsHead = !text && (response.headers.get('content-type')?.includes('json') || response.headers.has('tus-resumable'))
  const code = body.code ?? (endpointsHead ? `http-${response.status}` : undefined)
  return new TusRefusal(response.status, code, body.message ?? (response.statusText || `HTTP ${response.status}`), parseRetryAfter(response.headers.get('retry-after'), new Date()))
}
