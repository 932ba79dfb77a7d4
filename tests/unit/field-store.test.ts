import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { db } from '@/db/database'
import { readSnapshot, useFieldStore } from '@/stores/field'

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

beforeEach(async () => {
  setActivePinia(createPinia())
  localStorage.clear()
  await db.delete()
  await db.open()
})

afterEach(() => {
  useFieldStore().stop()
  vi.unstubAllGlobals()
})

describe('field store', () => {
  it('reads an empty phone as not enrolled', async () => {
    const field = useFieldStore()
    await field.start()
    expect(field.loaded).toBe(true)
    expect(field.enrolled).toBe(false)
    expect(field.data.communes).toEqual([])
  })

  it('explains a refused code in the user’s terms and stays not enrolled', async () => {
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(409, { statusCode: 409, error: 'Conflict', message: 'used', code: 'enrollment_code_used' })))
    const field = useFieldStore()
    await field.start()
    expect(await field.enroll('ABCDE-FGHJK', 'Máy thử')).toBe(false)
    expect(field.enrollFailure).toBe('enrollment_code_used')
    expect(field.enrolling).toBe(false)
    expect(field.enrolled).toBe(false)
  })

  it('tells "offline" apart from a server fault', async () => {
    const field = useFieldStore()
    await field.start()
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    expect(await field.enroll('ABCDE-FGHJK', 'Máy thử')).toBe(false)
    expect(field.enrollFailure).toBe('offline')
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('<html>Bad gateway</html>', { status: 502 })))
    expect(await field.enroll('ABCDE-FGHJK', 'Máy thử')).toBe(false)
    expect(field.enrollFailure).toBe('server')
  })
})

describe('field store, opened again', () => {
  it('shows the last reference data at once, then what IndexedDB holds', async () => {
    const { saveEnrollment } = await import('@/db/reference')
    await saveEnrollment({ deviceId: 'd', deviceName: 'Máy', token: 'gud_x', memberId: 'm', unitId: 'u', enrolledAt: '2026-03-01T00:00:00.000Z' })
    const first = useFieldStore()
    await first.start()
    await vi.waitFor(() => expect(localStorage.getItem('giao-uoc.field-snapshot')).toContain('"deviceId":"d"'))
    expect(localStorage.getItem('giao-uoc.field-snapshot')).not.toContain('gud_x')
    first.stop()

    // Opened again: enrolled from the first moment, before Dexie has answered.
    setActivePinia(createPinia())
    const again = useFieldStore()
    const started = again.start()
    expect(again.enrolled).toBe(true)
    expect(again.data.enrollment?.deviceId).toBe('d')
    await started
    await db.enrollment.clear()
    await vi.waitFor(() => expect(again.enrolled).toBe(false))
    expect(localStorage.getItem('giao-uoc.field-snapshot')).toBeNull()
  })

  it('ignores a snapshot it cannot read', () => {
    expect(readSnapshot({ getItem: () => '{not json' })).toBeNull()
    expect(readSnapshot({ getItem: () => JSON.stringify({ enrollment: null }) })).toBeNull()
  })
})

describe('field store, storage full', () => {
  it('says the phone is full, not that the server failed', async () => {
    const field = useFieldStore()
    await field.start()
    const { saveEnrollment } = await import('@/db/reference')
    await saveEnrollment({ deviceId: 'd', deviceName: 'Máy', token: 'gud_x', memberId: 'm', unitId: 'u', enrolledAt: '2026-03-01T00:00:00.000Z' })
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(200, { cursor: 1, full: false, units: [], communes: [], assignments: [], commitments: [], reviews: [] })))
    const put = vi.spyOn(db.meta, 'put').mockRejectedValue(new DOMException('The quota has been exceeded.', 'QuotaExceededError'))
    expect(await field.pull()).toBe('failed')
    expect(field.lastFailure).toBe('storage')
    put.mockRestore()
  })
})

describe('signing out of the phone', () => {
  const enrollment = { deviceId: 'd', deviceName: 'Máy', token: 'gud_x', memberId: 'm', unitId: 'u', enrolledAt: '2026-03-01T00:00:00.000Z' }

  it('is refused while a draft is unsent, saying so, and asks nothing of the endpoint', async () => {
    const [{ saveEnrollment }, { saveReport }, { aReport }] = await Promise.all([import('@/db/reference'), import('@/db/reports'), import('./fixtures')])
    await saveEnrollment(enrollment)
    await saveReport(aReport(), new Date())
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const outcome = await useFieldStore().signOut()
    expect(outcome).toEqual({ kind: 'unsent', work: { drafts: 1, waiting: 0, refused: 0, exemplars: 0 } })
    expect(fetch).not.toHaveBeenCalled()
    expect(await db.reports.count()).toBe(1)
  })

  it('ends the phone at the endpoint, then forgets everything on it', async () => {
    const { saveEnrollment } = await import('@/db/reference')
    await saveEnrollment(enrollment)
    const field = useFieldStore()
    await field.start()
    await vi.waitFor(() => expect(localStorage.getItem('giao-uoc.field-snapshot')).toContain('"deviceId":"d"'))
    const fetch = vi.fn(() => Promise.resolve(answer(200, { id: 'd', memberId: 'm', name: 'Máy', enrolledAt: enrollment.enrolledAt, revokedAt: '2026-12-01T00:00:00.000Z' })))
    vi.stubGlobal('fetch', fetch)
    expect(await field.signOut()).toEqual({ kind: 'signed-out' })
    expect(fetch).toHaveBeenCalledWith('/api/device/sign-out', expect.objectContaining({ method: 'POST', headers: expect.objectContaining({ authorization: 'Bearer gud_x' }) }))
    expect(localStorage.getItem('giao-uoc.field-snapshot')).toBeNull()
    expect((await indexedDB.databases()).map((known) => known.name)).not.toContain(db.name)
  })

  it('takes a phone the endpoint had ended already as ended; a captive portal’s 401 page as no answer, keeping everything', async () => {
    const { saveEnrollment, getEnrollment } = await import('@/db/reference')
    await saveEnrollment(enrollment)
    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(new Response('<html>Đăng nhập Wi-Fi</html>', { status: 401 })))
    expect(await useFieldStore().signOut()).toEqual({ kind: 'failed', reason: 'offline' })
    expect(await getEnrollment()).toMatchObject({ deviceId: 'd', revokedAt: null })

    vi.stubGlobal('fetch', vi.fn().mockResolvedValue(answer(401, { statusCode: 401, error: 'Unauthorized', message: 'revoked', code: 'device_revoked' })))
    expect(await useFieldStore().signOut()).toEqual({ kind: 'signed-out' })
  })
})
