import { computed, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import type { LoginResponse, SetupResponse } from '@/protocol'
import { ApiError, NetworkError, requestBlob, requestJson, type RequestOptions } from '@/sync/api'

/** A signed-in lead or admin, as kept in this browser until the session ends. */
export type DashboardSession = LoginResponse

/** Why a dashboard request failed, for the screens to say: a known `code`, a status, or no network. */
export class DashboardError extends Error {
  override name = 'DashboardError'
  constructor(
    readonly reason: 'offline' | 'expired' | 'forbidden' | 'not_found' | 'conflict' | 'invalid' | 'too_many_attempts' | 'bad_login' | 'server',
    message: string,
    readonly problems: { field: string; rule: string }[] = [],
    readonly retryAfterMs = 0,
  ) {
    super(message)
  }
}

const STORAGE_KEY = 'giao-uoc.dashboard-session'

function storedSession(storage: Pick<Storage, 'getItem'> | undefined, now = new Date()): DashboardSession | null {
  try {
    const session = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as DashboardSession | null
    return session && session.expiresAt > now.toISOString() ? session : null
  } catch {
    return null
  }
}

function reasonOf(error: unknown): DashboardError {
  if (error instanceof DashboardError) return error
  if (error instanceof NetworkError) return new DashboardError('offline', error.message)
  if (error instanceof ApiError) {
    const byStatus: Record<number, DashboardError['reason']> = { 401: 'expired', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 400: 'invalid', 429: 'too_many_attempts' }
    const reason = error.code === 'bad_login' ? 'bad_login' : (byStatus[error.status] ?? 'server')
    return new DashboardError(reason, error.message, error.problems, error.retryAfterMs)
  }
  return new DashboardError('server', error instanceof Error ? error.message : String(error))
}

/**
 * The dashboard's session and its requests. The token lives in this browser's storage until it
 * expires or the person logs out; a request the endpoint refuses with 401 ends it here too.
 */
export const useDashboardStore = defineStore('dashboard', () => {
  const session = shallowRef<DashboardSession | null>(storedSession(globalThis.localStorage))
  /** Set when the endpoint ended the session (expired, revoked): the screens send the person to log in. */
  const expired = ref(false)
  const setup = shallowRef<SetupResponse | null>(null)
  /** The covenant year the screens show; the active covenant's until one is chosen. */
  const year = ref<number | null>(null)

  const member = computed(() => session.value?.member ?? null)
  const isAdmin = computed(() => member.value?.role === 'admin')
  /** A lead's own unit, which every screen keeps to; null for the admin. */
  const ownUnitId = computed(() => (isAdmin.value ? null : (member.value?.unitId ?? null)))
  const years = computed(() => [...new Set((setup.value?.covenants ?? []).map((item) => item.year))].sort((a, b) => b - a))
  const shownYear = computed(() => year.value ?? setup.value?.covenants.find((item) => item.status === 'signed')?.year ?? years.value[0] ?? new Date().getFullYear())

  function keep(next: DashboardSession | null): void {
    session.value = next
    if (next) globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify(next))
    else globalThis.localStorage?.removeItem(STORAGE_KEY)
  }

  async function logIn(username: string, password: string): Promise<void> {
    try {
      keep(await requestJson<LoginResponse>('/api/auth/login', { method: 'POST', body: { username, password } }))
      expired.value = false
      setup.value = null
    } catch (error) {
      throw reasonOf(error)
    }
  }

  async function logOut(): Promise<void> {
    const token = session.value?.token
    keep(null)
    setup.value = null
    year.value = null
    // Ended here whatever the endpoint answers; it ends the token too when it hears.
    if (token) await requestJson('/api/auth/logout', { method: 'POST', token }).catch(() => undefined)
  }

  async function authorized<T>(send: (token: string) => Promise<T>): Promise<T> {
    const token = session.value?.token
    if (!token) {
      expired.value = true
      throw new DashboardError('expired', 'not logged in')
    }
    try {
      return await send(token)
    } catch (error) {
      const reason = reasonOf(error)
      if (reason.reason === 'expired') {
        keep(null)
        expired.value = true
      }
      throw reason
    }
  }

  /** A JSON request with the session's token. Throws a `DashboardError`. */
  function call<T>(path: string, options: Pick<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    return authorized((token) => requestJson<T>(path, { ...options, token }))
  }

  /** A file (an export, a photo) with the session's token. */
  function download(path: string): Promise<{ blob: Blob; name: string | null }> {
    return authorized((token) => requestBlob(path, { token, timeoutMs: 120_000 }))
  }

  /** The bloc, its units, communes and covenants: read once, again after a change to them. */
  async function loadSetup(force = false): Promise<SetupResponse> {
    if (!setup.value || force) setup.value = await call<SetupResponse>('/api/setup')
    return setup.value
  }

  return { session, expired, setup, year, member, isAdmin, ownUnitId, years, shownYear, logIn, logOut, call, download, loadSetup }
})
