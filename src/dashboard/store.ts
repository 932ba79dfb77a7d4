import { computed, markRaw, ref, shallowRef } from 'vue'
import { defineStore } from 'pinia'
import type { LoginResponse, SetupResponse } from '@/protocol'
import { createDashboardApi, DashboardError, logIn as requestSession, logOut as endSession, toDashboardError, withToken, type Transport } from './api'

/** A signed-in lead or admin, as kept in this browser until the session ends. */
export type DashboardSession = LoginResponse

const STORAGE_KEY = 'giao-uoc.dashboard-session'

function storedSession(storage: Pick<Storage, 'getItem'> | undefined, now = new Date()): DashboardSession | null {
  try {
    const session = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as DashboardSession | null
    return session && session.expiresAt > now.toISOString() ? session : null
  } catch {
    return null
  }
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
  /** Someone of the province's emulation office: their screen is the province's, not a bloc's. */
  const isProvince = computed(() => member.value?.role === 'province')
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
    keep(await requestSession({ username, password }))
    expired.value = false
    setup.value = null
  }

  async function logOut(): Promise<void> {
    const token = session.value?.token
    keep(null)
    setup.value = null
    year.value = null
    // Ended here whatever the endpoint answers; it ends the token too when it hears.
    if (token) await endSession(token)
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
      const reason = toDashboardError(error)
      if (reason.reason === 'expired') {
        keep(null)
        expired.value = true
      }
      throw reason
    }
  }

  /** The session's transport: a request the endpoint refuses with 401 ends the session here too. */
  const transport: Transport = {
    json: (path, options) => authorized((token) => withToken(token).json(path, options)),
    file: (path) => authorized((token) => withToken(token).file(path)),
  }
  /** Every dashboard route, one typed function each. */
  const api = markRaw(createDashboardApi(transport))

  /** The bloc, its units, communes and covenants: read once, again after a change to them. */
  async function loadSetup(force = false): Promise<SetupResponse> {
    if (!setup.value || force) setup.value = await api.setup()
    return setup.value
  }

  /** The ids of what `npm start` seeded and is still there: units, communes and covenants, shown as demo data. */
  const demoIds = computed(() => {
    const demo = setup.value?.demo
    return new Set(demo ? [...demo.unitIds, ...demo.communeIds, ...demo.covenantIds] : [])
  })

  return { session, expired, setup, year, member, isAdmin, isProvince, ownUnitId, years, shownYear, demoIds, logIn, logOut, api, loadSetup }
})
