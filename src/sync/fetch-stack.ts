import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client'

/**
 * tus over `fetch`, for the service worker, which has no XMLHttpRequest: Background Sync then
 * sends photos as well as reports with the app closed. `fetch` reports no upload progress, so
 * progress moves a chunk at a time (256 KB).
 */
export class FetchHttpStack implements HttpStack {
  constructor(private readonly send: typeof fetch = (input, init) => fetch(input, init)) {}

  createRequest(method: string, url: string): HttpRequest {
    return new FetchRequest(method, url, this.send)
  }

  getName(): string {
    return 'FetchHttpStack'
  }
}

class FetchRequest implements HttpRequest {
  private readonly headers: Record<string, string> = {}
  private readonly controller = new AbortController()
  private progress: (bytesSent: number) => void = () => undefined

  constructor(
    private readonly method: string,
    private readonly url: string,
    private readonly send_: typeof fetch,
  ) {}

  getMethod(): string {
    return this.method
  }

  getURL(): string {
    return this.url
  }

  setHeader(header: string, value: string): void {
    this.headers[header] = value
  }

  getHeader(header: string): string | undefined {
    return this.headers[header]
  }

  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.progress = handler
  }

  /** A chunk: a slice of the photo's Blob in the browser (bytes where tus-js-client reads a Buffer). */
  async send(body?: Blob | Uint8Array<ArrayBuffer> | null): Promise<HttpResponse> {
    const response = await this.send_(this.url, { method: this.method, headers: this.headers, body: body ?? null, signal: this.controller.signal })
    const text = await response.text()
    if (body) this.progress(body instanceof Blob ? body.size : body.byteLength)
    return new FetchResponse(response, text)
  }

  abort(): Promise<void> {
    this.controller.abort()
    return Promise.resolve()
  }

  getUnderlyingObject(): AbortController {
    return this.controller
  }
}

class FetchResponse implements HttpResponse {
  constructor(
    private readonly response: Response,
    private readonly body: string,
  ) {}

  getStatus(): number {
    return this.response.status
  }

  getHeader(header: string): string | undefined {
    return this.response.headers.get(header) ?? undefined
  }

  getBody(): string {
    return this.body
  }

  getUnderlyingObject(): Response {
    return this.response
  }
}
