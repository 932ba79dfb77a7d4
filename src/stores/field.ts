import { computed, ref, shallowRef, watch } from 'vue'
import { defineStore } from 'pinia'
import type { ReferenceData } from '@/db/reference'
import type { UnsentWork } from '@/db/outbox'
import { isQuotaError } from '@/db/quota'
import { ERROR_CODES } from '@/protocol/constants'
import type { PullOutcome, SignOutOutcome } from '@/sync/reference'
import { groupCommitments, totalPoints } from '@/domain/covenant'
import { useAppStore } from './app'

export type { UnsentWork }

/** Why the last sync or enrollment failed, in words the screens translate. */
export type FailureReason = 'offline' | 'server' | 'storage' | 'revoked' | 'invalid' | (typeof ENROLLMENT_REFUSALS)[number]

/** The endpoint's refusals of an enrollment that the screen explains one by one. */
const ENROLLMENT_REFUSALS = [ERROR_CODES.codeUnknown, ERROR_CODES.codeExpired, ERROR_CODES.codeUsed, ERROR_CODES.otherMember, ERROR_CODES.tooManyAttempts] as const

const emptyData: ReferenceData = {
  year: new Date().getFullYear(),
  enrollment: null,
  bloc: null,
  unit: null,
  member: null,
  covenant: null,
  commitments: [],
  communes: [],
  evaluating: [],
  held: [],
  lastVisits: [],
  lastPullAt: null,
}

const SNAPSHOT_KEY = 'giao-uoc.field-snapshot'

/**
 * The reference data as last read, kept in localStorage (no token in it): a phone opened again
 * shows its first screen from this at once, while Dexie loads and reads the real thing, which
 * then replaces it. IndexedDB stays the source of truth; this is only what was on screen.
 */
export function readSnapshot(storage: Pick<Storage, 'getItem'> | undefined): ReferenceData | null {
  try {
    const snapshot = JSON.parse(storage?.getItem(SNAPSHOT_KEY) ?? 'null') as ReferenceData | null
    // A snapshot written by an older version lacks what was added since: the empty values stand in.
    return snapshot?.enrollment ? { ...emptyData, ...snapshot } : null
  } catch {
    return null
  }
}

function writeSnapshot(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, data: ReferenceData): void {
  try {
    if (data.enrollment) storage?.setItem(SNAPSHOT_KEY, JSON.stringify(data))
    else storage?.removeItem(SNAPSHOT_KEY)
  } catch {
    // A full or missing localStorage only costs the next start its head start.
  }
}

// Dexie and the sync code load beside the first screen, not before it.
const loadDb = () => import('@/db/reference')
const loadSync = () => import('@/sync/reference')

async function reasonOf(error: unknown): Promise<FailureReason> {
  const [{ ApiError, NetworkError }, { notFromEndpoint }] = await Promise.all([import('@/sync/api'), import('@/sync/retry')])
  // A captive portal's or a proxy's page is no answer from the endpoint.
  if (error instanceof NetworkError || (error instanceof ApiError && notFromEndpoint(error.status, error.code))) return 'offline'
  if (isQuotaError(error)) return 'storage'
  if (error instanceof ApiError) {
    const match = ENROLLMENT_REFUSALS.find((reason) => reason === error.code)
    if (match) return match
    if (error.status === 400) return 'invalid'
  }
  return 'server'
}

/**
 * What a cadre in the field works with: this phone's enrollment and the unit's reference data
 * (communes, covenant), read from IndexedDB and kept current across tabs, and the state of
 * the last pull from the endpoint.
 */
export const useFieldStore = defineStore('field', () => {
  const data = shallowRef<ReferenceData>(emptyData)
  /** False until the phone's database has been read once. */
  const loaded = ref(false)
  /** The phone's database could not be read: not knowing is not the same as not enrolled. */
  const readFailed = ref(false)
  const pulling = ref(false)
  const enrolling = ref(false)
  const enrollFailure = ref<FailureReason | null>(null)
  const lastFailure = ref<FailureReason | null>(null)
  let stopWatching: (() => void) | null = null
  let stopOnline: (() => void) | null = null
  let ready: Promise<void> | null = null

  const enrolled = computed(() => data.value.enrollment !== null)
  const revoked = computed(() => data.value.enrollment?.revokedAt != null)
  const groups = computed(() => groupCommitments(data.value.commitments))
  const points = computed(() => totalPoints(data.value.commitments))

  /**
   * Start reading the phone's data (resolves once it has been read the first time), and pull
   * from the endpoint now and whenever the network comes back.
   */
  function start(): Promise<void> {
    if (!ready) {
      const app = useAppStore()
      stopOnline = watch(
        () => app.online,
        (online) => {
          if (online && enrolled.value && !revoked.value) void pull()
        },
      )
      const reading = read().then(() => {
        if (enrolled.value && !revoked.value && app.online) void pull()
      })
      const snapshot = readSnapshot(globalThis.localStorage)
      if (snapshot) {
        data.value = snapshot
        loaded.value = true
      }
      ready = snapshot ? Promise.resolve() : reading
    }
    return ready
  }

  function read(): Promise<void> {
    return loadDb().then(
      ({ watchReference }) =>
        new Promise<void>((resolve) => {
          stopWatching = watchReference(
            (value) => {
              data.value = value
              loaded.value = true
              writeSnapshot(globalThis.localStorage, value)
              resolve()
            },
            () => {
              loaded.value = readFailed.value = true
              resolve()
            },
          )
        }),
      () => {
        loaded.value = readFailed.value = true
      },
    )
  }

  function stop(): void {
    stopWatching?.()
    stopOnline?.()
    stopWatching = stopOnline = null
    ready = null
  }

  /** Pull the unit's reference data now. Never throws: the outcome is in `lastFailure`. */
  async function pull(): Promise<PullOutcome | 'failed'> {
    pulling.value = true
    try {
      const outcome = await (await loadSync()).pullReference()
      lastFailure.value = outcome === 'revoked' ? 'revoked' : null
      return outcome
    } catch (error) {
      lastFailure.value = await reasonOf(error)
      return 'failed'
    } finally {
      pulling.value = false
    }
  }

  /** What of the member's work is not on the endpoint yet. */
  async function unsent(): Promise<UnsentWork> {
    return (await import('@/db/outbox')).unsentWork()
  }

  /**
   * "Đăng xuất khỏi máy này": refused, saying what, while anything is unsent; otherwise the
   * endpoint ends the phone and everything on it is forgotten. The caller starts the app afresh.
   */
  async function signOut(): Promise<SignOutOutcome | { kind: 'failed'; reason: FailureReason }> {
    try {
      const outcome = await (await loadSync()).signOutDevice()
      if (outcome.kind === 'signed-out') {
        stop()
        writeSnapshot(globalThis.localStorage, emptyData)
      }
      return outcome
    } catch (error) {
      return { kind: 'failed', reason: await reasonOf(error) }
    }
  }

  /** Enroll this phone with a code. Answers true when enrolled; the reason is in `enrollFailure` otherwise. */
  async function enroll(code: string, deviceName: string): Promise<boolean> {
    enrolling.value = true
    try {
      await (await loadSync()).enrollDevice({ code, deviceName })
      enrollFailure.value = null
    } catch (error) {
      enrollFailure.value = await reasonOf(error)
      return false
    } finally {
      enrolling.value = false
    }
    // Enrolled; if this first pull fails, the screens say so and the next trigger tries again.
    await pull()
    return true
  }

  return { data, loaded, readFailed, pulling, enrolling, lastFailure, enrollFailure, enrolled, revoked, groups, points, start, stop, pull, enroll, unsent, signOut }
})
