import type { EnrollRequest, EnrollResponse, PullResponse } from '@/protocol'
import { applyPull, getEnrollment, markRevoked, pullCursor, saveEnrollment, wipePhone } from '@/db/reference'
import { holdsUnsentWork, unsentWork, type UnsentWork } from '@/db/outbox'
import { requestJson, type RequestOptions } from './api'
import { classify } from './retry'
import { withLock } from './locks'

// One id per code tried: sent again with the same code, it lets the endpoint answer a retry
// whose first answer was lost on the way.
const attempts = new Map<string, string>()

/**
 * Trade an enrollment code for this phone's device token, and keep it. A pull still under way
 * for an earlier enrollment finishes first, so it cannot land on top of the new one. While the
 * phone holds unsent work, only a code of the same member is taken: the endpoint refuses
 * another's, and the code stays good.
 */
export async function enrollDevice(request: Omit<EnrollRequest, 'requestId' | 'onlyMemberId'>, options: Pick<RequestOptions, 'fetch'> = {}): Promise<EnrollResponse> {
  const requestId = attempts.get(request.code) ?? crypto.randomUUID()
  attempts.set(request.code, requestId)
  const current = await getEnrollment()
  const onlyMemberId = current && (await holdsUnsentWork()) ? current.memberId : undefined
  const answer = await requestJson<EnrollResponse>('/api/enroll', { ...options, method: 'POST', body: { ...request, requestId, ...(onlyMemberId && { onlyMemberId }) } })
  attempts.delete(request.code)
  await running?.catch(() => undefined)
  await saveEnrollment({
    deviceId: answer.device.id,
    deviceName: answer.device.name,
    token: answer.deviceToken,
    memberId: answer.member.id,
    unitId: answer.unit.id,
    enrolledAt: answer.device.enrolledAt,
  })
  return answer
}

export type PullOutcome = 'pulled' | 'not-enrolled' | 'revoked'

let running: Promise<PullOutcome> | null = null

/**
 * Bring the unit's reference data up to date. One pull at a time: in this tab a second call
 * joins the first; across tabs the Web Lock makes them take turns. The endpoint's 401 marks the
 * enrollment revoked and keeps everything else on the phone; a captive portal's is no answer.
 */
export function pullReference(options: Pick<RequestOptions, 'fetch'> = {}): Promise<PullOutcome> {
  running ??= withLock('giao-uoc-pull', () => pullOnce(options)).finally(() => {
    running = null
  })
  return running
}

async function pullOnce(options: Pick<RequestOptions, 'fetch'>): Promise<PullOutcome> {
  const enrollment = await getEnrollment()
  if (!enrollment) return 'not-enrolled'
  if (enrollment.revokedAt) return 'revoked'
  const cursor = await pullCursor()
  try {
    const changes = await requestJson<PullResponse>(`/api/pull?cursor=${cursor}`, { ...options, token: enrollment.token })
    await applyPull(changes, { now: new Date(), deviceId: enrollment.deviceId })
    return 'pulled'
  } catch (error) {
    if (classify(error).kind === 'revoked') {
      await markRevoked(enrollment.deviceId, new Date())
      return 'revoked'
    }
    throw error
  }
}

export type SignOutOutcome = { kind: 'signed-out' } | { kind: 'unsent'; work: UnsentWork }

/**
 * "Đăng xuất khỏi máy này": the endpoint ends this phone's token, then the phone forgets
 * everything. Refused, saying what, while anything of the member is unsent; no pull runs
 * meanwhile. A token the endpoint had already ended is as good as ended now; no answer (offline,
 * or a captive portal's page) throws and changes nothing.
 */
export function signOutDevice(options: Pick<RequestOptions, 'fetch'> = {}): Promise<SignOutOutcome> {
  return withLock('giao-uoc-pull', async (): Promise<SignOutOutcome> => {
    const enrollment = await getEnrollment()
    if (await holdsUnsentWork()) return { kind: 'unsent', work: await unsentWork() }
    if (enrollment && !enrollment.revokedAt) {
      try {
        await requestJson('/api/device/sign-out', { ...options, method: 'POST', token: enrollment.token })
      } catch (error) {
        if (classify(error).kind !== 'revoked') throw error
      }
    }
    // Written in another tab while the endpoint was asked: kept, and said; the phone enrolls again to send it.
    if (await holdsUnsentWork()) {
      if (enrollment) await markRevoked(enrollment.deviceId, new Date())
      return { kind: 'unsent', work: await unsentWork() }
    }
    await wipePhone()
    return { kind: 'signed-out' }
  })
}
