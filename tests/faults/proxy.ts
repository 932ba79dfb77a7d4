import http from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the proxy does to one request, decided when it arrives. */
export type Fault =
  /** Forward the headers and this many bytes of the body, then cut both connections. */
  | { kind: 'cut-request'; afterBytes: number }
  /** Answer with this status without asking the endpoint. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Answer as a captive portal does: its own HTML sign-in page, with this status. */
  | { kind: 'portal'; status: number }
  /** Let the endpoint answer (and commit), then cut the connection instead of passing the answer on. */
  | { kind: 'lose-answer' }
  /** Hold the endpoint's answer this long before passing it on. */
  | { kind: 'delay-answer'; ms: number }

/** A rule: requests matching `method` and `path` get `fault`, `times` times (then pass untouched). */
export interface Rule {
  method?: string
  path: RegExp
  fault: Fault
  times: number
  /** Let this many matching requests pass untouched first. */
  skip: number
}

export interface Seen {
  method: string
  path: string
  /** Request body bytes that came in from the browser. */
  bodyBytes: number
  uploadOffset: number | null
  status: number | null
  /**
   * The endpoint closed the connection while the body was still coming, with no answer the proxy
   * could read: how it refuses a request early (a wrong offset) when the body arrives fast.
   */
  hungUp: boolean
  /** Milliseconds since the proxy started. */
  at: number
  /** When the endpoint's answer began to come back, as `at`; null while none has. */
  answeredAt: number | null
  /** The endpoint process's port it went to. */
  upstream: number
}

/**
 * A fault-injecting HTTP proxy between the browser and the endpoint, like a weak 2G link or a
 * failing reverse proxy: it cuts requests part way, loses answers after the endpoint has
 * committed, delays them, answers errors itself, and can cut every upload every N bytes. When
 * the endpoint is down it answers 502, as a real proxy does. With several endpoint processes
 * behind it, each request goes to the next in turn, as a load balancer's round robin does.
 */
export class FaultProxy {
  readonly seen: Seen[] = []
  private rules: Rule[] = []
  /** Cut the upload link after every this many PATCH bytes in total (0: never). */
  cutUploadsEvery = 0
  /** Slow every PATCH body to about this many bytes per second (0: full speed). */
  uploadBytesPerSecond = 0
  private uploadBytesSinceCut = 0
  private server: http.Server
  private readonly started = Date.now()
  port = 0

  private readonly upstreamPorts: number[]
  private turn = 0

  constructor(upstream: number | number[]) {
    this.upstreamPorts = Array.isArray(upstream) ? upstream : [upstream]
    this.server = http.createServer((request, response) => this.handle(request, response))
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve))
    this.port = (this.server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((resolve) => this.server.close(resolve))
  }

  add(rule: Omit<Rule, 'times' | 'skip'> & { times?: number; skip?: number }): void {
    this.rules.push({ times: 1, skip: 0, ...rule })
  }

  clear(): void {
    this.rules = []
    this.cutUploadsEvery = 0
    this.uploadBytesPerSecond = 0
  }

  /** Requests seen for `method` on paths matching `path`. */
  count(method: string, path: RegExp): number {
    return this.seen.filter((entry) => entry.method === method && path.test(entry.path)).length
  }

  private take(request: http.IncomingMessage): Fault | null {
    const rule = this.rules.find((candidate) => candidate.times > 0 && (!candidate.method || candidate.method === request.method) && candidate.path.test(request.url ?? ''))
    if (!rule) return null
    if (rule.skip > 0) {
      rule.skip -= 1
      return null
    }
    rule.times -= 1
    return rule.fault
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const seen: Seen = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      bodyBytes: 0,
      uploadOffset: request.headers['upload-offset'] ? Number(request.headers['upload-offset']) : null,
      status: null,
      hungUp: false,
      at: Date.now() - this.started,
      answeredAt: null,
      upstream: this.upstreamPorts[this.turn++ % this.upstreamPorts.length] ?? 0,
    }
    this.seen.push(seen)
    const fault = this.take(request)
    if (fault?.kind === 'status') {
      seen.status = fault.status
      request.resume()
      response.writeHead(fault.status, { 'content-type': 'application/json', ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}), 'tus-resumable': '1.0.0' })
      response.end(JSON.stringify({ statusCode: fault.status, error: 'Injected', message: 'injected by the fault proxy' }))
      return
    }

    if (fault?.kind === 'portal') {
      seen.status = fault.status
      request.resume()
      response.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' })
      response.end('<!doctype html><html><head><title>Đăng nhập Wi-Fi</title></head><body><form>Nhập mã Wi-Fi miễn phí</form></body></html>')
      return
    }

    const upstream = http.request({ host: '127.0.0.1', port: seen.upstream, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      seen.status = answer.statusCode ?? null
      seen.answeredAt = Date.now() - this.started
      if (fault?.kind === 'lose-answer') {
        answer.resume()
        answer.on('end', () => request.socket.destroy())
        return
      }
      const pass = () => {
        response.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(response)
      }
      if (fault?.kind === 'delay-answer') {
        answer.pause()
        setTimeout(pass, fault.ms)
      } else pass()
    })
    let cutHere = false
    upstream.on('error', () => {
      if (!cutHere && seen.status === null) seen.hungUp = true
      if (response.headersSent) response.destroy()
      else {
        seen.status = 502
        response.writeHead(502, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ statusCode: 502, error: 'Bad Gateway', message: 'the endpoint is not answering' }))
      }
    })
    const cut = () => {
      cutHere = true
      upstream.destroy()
      request.socket.destroy()
    }
    const isUpload = request.method === 'PATCH'
    let forwarded = 0
    request.on('data', (chunk: Buffer) => {
      let piece = chunk
      if (fault?.kind === 'cut-request' && forwarded + piece.length > fault.afterBytes) {
        upstream.write(piece.subarray(0, Math.max(0, fault.afterBytes - forwarded)))
        seen.bodyBytes += piece.length
        return cut()
      }
      if (isUpload && this.cutUploadsEvery > 0 && this.uploadBytesSinceCut + piece.length > this.cutUploadsEvery) {
        piece = piece.subarray(0, this.cutUploadsEvery - this.uploadBytesSinceCut)
        upstream.write(piece)
        seen.bodyBytes += chunk.length
        this.uploadBytesSinceCut = 0
        return cut()
      }
      forwarded += piece.length
      seen.bodyBytes += piece.length
      if (isUpload) this.uploadBytesSinceCut += piece.length
      upstream.write(piece)
      if (isUpload && this.uploadBytesPerSecond > 0) {
        request.pause()
        setTimeout(() => request.resume(), (piece.length / this.uploadBytesPerSecond) * 1000)
      }
    })
    request.on('end', () => upstream.end())
    request.on('aborted', () => upstream.destroy())
  }
}
