import { performance } from 'node:perf_hooks'

/**
 * A request of an open-loop schedule: sent `at` ms after the start whatever became of the earlier
 * ones, its latency counted from `at`, so a slow answer cannot hide the requests queued behind it
 * (a closed loop such as autocannon's waits for an answer before the next request, and offers less
 * while the endpoint is slow).
 */
export interface Planned {
  at: number
  route: string
  /** Sends the request; throws when the answer is not the one expected. */
  send: () => Promise<void>
}

export interface RouteResult {
  route: string
  sent: number
  errors: number
  /** Milliseconds from each request's scheduled time to its answer, errors left out. */
  p50: number
  p99: number
  max: number
  /** The first few errors, as said. */
  firstErrors: string[]
}

export interface OpenLoopResult {
  routes: RouteResult[]
  /** How late the generator itself sent a request, at worst: it shares the machine. */
  maxLagMs: number
  /** From the first scheduled time to the last answer. */
  seconds: number
}

export function percentile(values: readonly number[], fraction: number): number {
  if (!values.length) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0
}

/** An error as said, with its cause: fetch's own message ("fetch failed") says nothing. */
function said(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Send every planned request at its time, then wait for every answer. */
export async function runOpenLoop(plan: readonly Planned[]): Promise<OpenLoopResult> {
  const sorted = [...plan].sort((a, b) => a.at - b.at)
  const latencies = new Map<string, number[]>()
  const errors = new Map<string, string[]>()
  for (const { route } of sorted) {
    latencies.set(route, [])
    errors.set(route, [])
  }
  const started = performance.now()
  let maxLagMs = 0
  const answered: Promise<void>[] = []
  for (const item of sorted) {
    const due = started + item.at
    const wait = due - performance.now()
    if (wait > 1) await sleep(wait)
    maxLagMs = Math.max(maxLagMs, performance.now() - due)
    answered.push(
      item.send().then(
        () => void latencies.get(item.route)?.push(performance.now() - due),
        (error: unknown) => void errors.get(item.route)?.push(said(error)),
      ),
    )
  }
  await Promise.all(answered)
  const seconds = (performance.now() - started) / 1000
  const routes = [...latencies].map(([route, times]) => {
    const failed = errors.get(route) ?? []
    return {
      route,
      sent: times.length + failed.length,
      errors: failed.length,
      p50: Math.round(percentile(times, 0.5)),
      p99: Math.round(percentile(times, 0.99)),
      max: Math.round(Math.max(0, ...times)),
      firstErrors: [...new Set(failed)].slice(0, 3),
    }
  })
  return { routes, maxLagMs: Math.round(maxLagMs), seconds }
}

/** `fetch` that throws unless the answer has `status`, with a timeout. */
export async function expectStatus(url: string, init: RequestInit, status: number, timeoutMs = 30_000): Promise<Response> {
  const answer = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  if (answer.status !== status) throw new Error(`${init.method ?? 'GET'} ${new URL(url).pathname} answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`)
  return answer
}
