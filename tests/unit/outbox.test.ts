// @vitest-environment node
// (Node's Blob survives fake-indexeddb whole; without XMLHttpRequest the sync pushes reports only.)
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { db } from '@/db/database'
import { outboxSummary, PRUNE_SENT_PHOTOS, pruneSentPhotos } from '@/db/outbox'
import { setMeta } from '@/db/meta'
import { getEnrollment, saveEnrollment } from '@/db/reference'
import { addPhoto, getReport, queueReport, saveReport } from '@/db/reports'
import { addExemplarPhoto, getExemplar, queueExemplar, saveExemplar } from '@/db/exemplars'
import type { Exemplar, Report } from '@/domain'
import type { DeviceStatus, ExemplarResult, PushRequest, PushResult } from '@/protocol'
import { aPhoto, aReport } from './fixtures'
import { syncOutbox } from '@/sync/outbox'

const start = new Date('2026-11-25T02:00:00Z')
const now = () => start

const report = aReport

/**
 * A stand-in for the endpoint's push route with its rules (new → accepted, same revision →
 * duplicate, older → conflict), counting requests and what it stores. `fail` answers a request
 * before (or, with `afterCommit`, after) storing it.
 */
function fakeEndpoint() {
  const stored = new Map<string, { revision: number; number: string }>()
  const state = {
    requests: 0,
    batches: [] as number[],
    exemplarBatches: [] as number[],
    /** False: an endpoint of before exemplary cases, which does not answer for them. */
    answersExemplars: true,
    holds: new Set<string>(),
    reject: new Set<string>(),
    refuseBatchWith: null as string | null,
    /** `code`: the endpoint's error code; a page without one is a captive portal's or a proxy's. */
    fail: null as null | { status?: number; code?: string; network?: boolean; afterCommit?: boolean; retryAfter?: string },
    /** What the phone said of itself after each exchange. */
    statuses: [] as DeviceStatus[],
  }
  const fetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (url === '/api/device/status') {
      state.statuses.push((await new Response(init?.body).json()) as DeviceStatus)
      return new Response(null, { status: 204 })
    }
    state.requests += 1
    const body = (await new Response(init?.body).json()) as PushRequest
    state.batches.push(body.reports.length)
    const failure = state.fail
    if (failure && !failure.afterCommit) {
      if (failure.network) throw new TypeError('Failed to fetch')
      return new Response(JSON.stringify({ statusCode: failure.status, error: 'x', message: 'down', ...(failure.code && { code: failure.code }) }), {
        status: failure.status,
        headers: failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
      })
    }
    if (state.refuseBatchWith && body.reports.some((item) => item.id === state.refuseBatchWith)) {
      return new Response(JSON.stringify({ statusCode: 400, error: 'Bad Request', message: 'Báo cáo không đọc được.' }), { status: 400 })
    }
    const results: PushResult[] = body.reports.map((item) => {
      if (state.reject.has(item.id)) return { outcome: 'rejected', id: item.id, code: 'commune_not_assigned', reason: 'Xã này không được phân công cho đơn vị.' }
      const held = stored.get(item.id)
      const missingPhotos = item.photos.map((photo) => photo.id).filter((id) => !state.holds.has(id))
      const receipt = { number: held?.number ?? `26-${String(stored.size + 1).padStart(6, '0')}`, committedAt: start.toISOString() }
      if (held && held.revision > item.revision) {
        return { outcome: 'conflict', id: item.id, receipt, revision: held.revision, missingPhotos: [], current: item }
      }
      const outcome = held && held.revision === item.revision ? 'duplicate' : 'accepted'
      stored.set(item.id, { revision: item.revision, number: receipt.number })
      return { outcome, id: item.id, receipt, revision: item.revision, missingPhotos }
    })
    const exemplars = (body.exemplars ?? []).map((item): ExemplarResult => {
      if (state.reject.has(item.id)) return { outcome: 'rejected', id: item.id, code: 'covenant_not_active', reason: 'Giao ước năm 2025 đã kết thúc đánh giá.' }
      const held = stored.get(item.id)
      const receipt = { number: held?.number ?? `26-${String(stored.size + 1).padStart(6, '0')}`, committedAt: start.toISOString() }
      stored.set(item.id, { revision: item.revision, number: receipt.number })
      const missingPhotos = item.photos.map((photo) => photo.id).filter((id) => !state.holds.has(id))
      return { outcome: held ? 'duplicate' : 'accepted', id: item.id, receipt, revision: item.revision, missingPhotos }
    })
    state.exemplarBatches.push(exemplars.length)
    if (failure?.afterCommit) throw new TypeError('connection reset')
    return new Response(JSON.stringify({ results, ...(state.answersExemplars && { exemplars }) }), { status: 200, headers: { 'content-type': 'application/json' } })
  }
  return { stored, state, fetch }
}

async function queued(count: number, overrides: Partial<Report> = {}): Promise<Report[]> {
  const reports: Report[] = []
  for (let i = 0; i < count; i++) reports.push(await queueReport(report(overrides), new Date(start.getTime() + i), db))
  return reports
}

beforeEach(async () => {
  await db.open()
  await saveEnrollment({ deviceId: 'd1', deviceName: 'Điện thoại', token: 'gud_test', memberId: 'm1', unitId: 'u1', enrolledAt: start.toISOString() })
})

afterEach(async () => {
  await db.delete()
})

describe('the outbox', () => {
  it('sends 120 queued reports in three pushes and keeps each receipt', async () => {
    const endpoint = fakeEndpoint()
    const reports = await queued(120)
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(endpoint.state.batches).toEqual([50, 50, 20])
    expect(endpoint.stored.size).toBe(120)
    const first = await getReport(reports[0]?.id ?? '', db)
    expect(first).toMatchObject({ state: 'accepted', receipt: { number: '26-000001', committedAt: start.toISOString() } })
    expect(await outboxSummary(db)).toEqual({ reports: 0, photos: 0, nextAttemptAt: null, lastSyncAt: start.toISOString() })
    // Each push said what waited before it; the exchange ends by saying that nothing does.
    expect(endpoint.state.statuses).toEqual([expect.objectContaining({ waiting: 0 })])
  })

  it('waits for the photos the endpoint lacks, in the order of the report', async () => {
    const endpoint = fakeEndpoint()
    const draft = await saveReport(report(), start, db)
    const photo = (id: string) => aPhoto(draft.id, { id, size: 10, blob: new Blob([new Uint8Array(10)], { type: 'image/jpeg' }), sha256: 'a'.repeat(64) })
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
    for (const id of ids) await addPhoto(photo(id), start, db)
    await queueReport((await getReport(draft.id, db)) as Report, start, db)
    endpoint.state.holds.add(ids[1] ?? '')

    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(await getReport(draft.id, db)).toMatchObject({ state: 'sending' })
    const uploads = await db.uploads.orderBy('[queuedAt+order]').toArray()
    expect(uploads.map((row) => row.photoId)).toEqual([ids[0], ids[2]])
    expect((await db.photos.get(ids[1] ?? ''))?.uploadedAt).toBe(start.toISOString())
    expect(await outboxSummary(db)).toMatchObject({ reports: 0, photos: 2 })
  })

  it('frees the space of sent photos only when the cadre chose it, and never of unsent ones', async () => {
    const endpoint = fakeEndpoint()
    const sent = await saveReport(report(), start, db)
    const waiting = await saveReport(report(), start, db)
    const photo = (reportId: string) => aPhoto(reportId, { sha256: 'b'.repeat(64), thumbnail: new Blob([new Uint8Array(50)], { type: 'image/jpeg' }) })
    const sentPhoto = photo(sent.id)
    const waitingPhoto = photo(waiting.id)
    await addPhoto(sentPhoto, start, db)
    await addPhoto(waitingPhoto, start, db)
    endpoint.state.holds.add(sentPhoto.id)
    await queueReport((await getReport(sent.id, db)) as Report, start, db)

    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect((await db.photos.get(sentPhoto.id))?.blob).not.toBeNull()

    await setMeta(PRUNE_SENT_PHOTOS, true, db)
    expect(await pruneSentPhotos(db)).toBe(1)
    const pruned = await db.photos.get(sentPhoto.id)
    expect(pruned?.blob).toBeNull()
    expect(pruned?.thumbnail?.size).toBe(50)
    expect((await db.photos.get(waitingPhoto.id))?.blob?.size).toBe(1000)
  })

  it('keeps reports queued after a cut network, and tries again after a backoff', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    endpoint.state.fail = { network: true }
    expect(await syncOutbox({ fetch: endpoint.fetch, now, random: () => 1 })).toBe('waiting')
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'queued' })
    expect(await db.outbox.get(only?.id ?? '')).toMatchObject({ attempts: 1, lastError: 'offline', nextAttemptAt: '2026-11-25T02:00:02.000Z' })

    // Not due yet: nothing is sent.
    endpoint.state.fail = null
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(endpoint.state.requests).toBe(1)

    const later = () => new Date(start.getTime() + 2000)
    expect(await syncOutbox({ fetch: endpoint.fetch, now: later })).toBe('done')
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'accepted' })
  })

  it('waits as long as a busy endpoint asks', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    endpoint.state.fail = { status: 503, retryAfter: '120' }
    expect(await syncOutbox({ fetch: endpoint.fetch, now, random: () => 0 })).toBe('waiting')
    expect(await db.outbox.get(only?.id ?? '')).toMatchObject({ lastError: 'busy', nextAttemptAt: '2026-11-25T02:02:00.000Z' })
  })

  it('stores a report once when the answer to its push is lost', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    endpoint.state.fail = { afterCommit: true }
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(endpoint.stored.size).toBe(1)
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'queued', receipt: null })

    endpoint.state.fail = null
    expect(await syncOutbox({ fetch: endpoint.fetch, now: () => new Date(start.getTime() + 60_000) })).toBe('done')
    expect(endpoint.stored.size).toBe(1)
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'accepted', receipt: { number: '26-000001' } })
  })

  it('sends at once on "Đồng bộ ngay" a report waiting out its backoff', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    endpoint.state.fail = { network: true }
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    endpoint.state.fail = null
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(endpoint.state.requests).toBe(1)
    expect(await syncOutbox({ fetch: endpoint.fetch, now, ignoreBackoff: true })).toBe('done')
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'accepted' })
  })

  it('stops on a revoked token and keeps the whole queue', async () => {
    const endpoint = fakeEndpoint()
    await queued(3)
    endpoint.state.fail = { status: 401, code: 'device_revoked' }
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('revoked')
    expect((await getEnrollment(db))?.revokedAt).toBe(start.toISOString())
    expect(await outboxSummary(db)).toMatchObject({ reports: 3 })
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('revoked')
    expect(endpoint.state.requests).toBe(1)
  })

  it('takes a captive portal’s or a proxy’s 401, 403 or 404 page for no network: the device stays enrolled, the queue waits, then goes', async () => {
    const endpoint = fakeEndpoint()
    await queued(3)
    for (const status of [401, 403, 404]) {
      endpoint.state.fail = { status }
      expect(await syncOutbox({ fetch: endpoint.fetch, now, ignoreBackoff: true })).toBe('waiting')
      expect((await getEnrollment(db))?.revokedAt).toBeNull()
      expect(await outboxSummary(db)).toMatchObject({ reports: 3 })
    }
    endpoint.state.fail = null
    expect(await syncOutbox({ fetch: endpoint.fetch, now, ignoreBackoff: true })).toBe('done')
    expect(endpoint.stored.size).toBe(3)
  })

  it('gives a refused report back with its reason and does not retry it; sent again, it goes', async () => {
    const endpoint = fakeEndpoint()
    const [bad, good] = await queued(2)
    endpoint.state.reject.add(bad?.id ?? '')
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    const refused = (await getReport(bad?.id ?? '', db)) as Report
    expect(refused).toMatchObject({ state: 'rejected', rejection: { code: 'commune_not_assigned', reason: 'Xã này không được phân công cho đơn vị.' } })
    expect(await getReport(good?.id ?? '', db)).toMatchObject({ state: 'accepted' })
    expect(await outboxSummary(db)).toMatchObject({ reports: 0 })

    endpoint.state.reject.clear()
    const again = await queueReport({ ...refused, communeId: 'sung-la' }, start, db)
    expect(again).toMatchObject({ state: 'queued', rejection: null, revision: 2 })
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(await getReport(bad?.id ?? '', db)).toMatchObject({ state: 'accepted' })
  })

  it('finds the one report an endpoint cannot read by halving the batch', async () => {
    const endpoint = fakeEndpoint()
    const reports = await queued(8)
    endpoint.state.refuseBatchWith = reports[5]?.id ?? ''
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(endpoint.stored.size).toBe(7)
    expect(await getReport(reports[5]?.id ?? '', db)).toMatchObject({ state: 'rejected', rejection: { code: 'invalid', reason: 'Báo cáo không đọc được.' } })
  })

  it('keeps the cadre’s text when the endpoint holds a later revision, and lets the next revision win', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    endpoint.stored.set(only?.id ?? '', { revision: 5, number: '26-000042' })
    await syncOutbox({ fetch: endpoint.fetch, now })
    const conflicted = (await getReport(only?.id ?? '', db)) as Report
    expect(conflicted).toMatchObject({ state: 'rejected', rejection: { code: 'conflict' }, revision: 5, summary: 'Thăm hộ nghèo', receipt: { number: '26-000042' } })

    await queueReport(conflicted, start, db)
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'accepted', revision: 6 })
  })

  it('sends again a report changed while its push was on the way', async () => {
    const endpoint = fakeEndpoint()
    const [only] = await queued(1)
    const inner = endpoint.fetch
    let edited = false
    const fetch = async (url: RequestInfo | URL, init?: RequestInit) => {
      if (!edited) {
        edited = true
        await saveReport({ ...((await getReport(only?.id ?? '', db)) as Report), summary: 'Thăm 5 hộ nghèo' }, start, db)
      }
      return inner(url, init)
    }
    expect(await syncOutbox({ fetch, now })).toBe('done')
    expect(endpoint.state.batches).toEqual([1, 1])
    expect(endpoint.stored.get(only?.id ?? '')?.revision).toBe(2)
    expect(await getReport(only?.id ?? '', db)).toMatchObject({ state: 'accepted', revision: 2 })
  })
})

describe('exemplary cases in the outbox', () => {
  const exemplar = (overrides: Partial<Exemplar> = {}): Exemplar => ({
    id: crypto.randomUUID(),
    unitId: 'u1',
    authorId: 'm1',
    covenantId: 'cov',
    kind: 'individual',
    nominee: 'Giàng A Páo',
    role: 'Trưởng thôn',
    story: 'Vận động 12 hộ hiến đất làm đường.',
    photoIds: [],
    state: 'draft',
    rejection: null,
    receipt: null,
    revision: 0,
    createdAt: start.toISOString(),
    updatedAt: start.toISOString(),
    ...overrides,
  })

  it('go after the reports, in a push of their own, keep their receipt, and wait for their photos', async () => {
    const endpoint = fakeEndpoint()
    await queued(2)
    const draft = await saveExemplar(exemplar(), start, db)
    const photo = aPhoto(draft.id, { sha256: 'c'.repeat(64) })
    await addExemplarPhoto(photo, start, db)
    await queueExemplar((await getExemplar(draft.id, db)) as Exemplar, start, db)
    expect(await outboxSummary(db)).toMatchObject({ reports: 3, photos: 0 })

    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(endpoint.state.batches).toEqual([2, 0])
    expect(endpoint.state.exemplarBatches).toEqual([0, 1])
    expect(await getExemplar(draft.id, db)).toMatchObject({ state: 'sending', receipt: { number: '26-000003' } })
    expect(await db.uploads.toArray()).toEqual([expect.objectContaining({ photoId: photo.id, reportId: draft.id })])
    expect(await outboxSummary(db)).toMatchObject({ reports: 0, photos: 1 })
  })

  it('are stored once when the answer is lost, and stay on the phone, refused with the reason, when their year is closed', async () => {
    const endpoint = fakeEndpoint()
    const sent = await queueExemplar(exemplar(), start, db)
    endpoint.state.fail = { afterCommit: true }
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    endpoint.state.fail = null
    expect(await syncOutbox({ fetch: endpoint.fetch, now, ignoreBackoff: true })).toBe('done')
    expect(endpoint.stored.size).toBe(1)
    expect(await getExemplar(sent.id, db)).toMatchObject({ state: 'accepted', receipt: { number: '26-000001' } })

    const late = await queueExemplar(exemplar(), start, db)
    endpoint.state.reject.add(late.id)
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(await getExemplar(late.id, db)).toMatchObject({ state: 'rejected', rejection: { code: 'covenant_not_active', reason: 'Giao ước năm 2025 đã kết thúc đánh giá.' } })
    expect(await db.outbox.count()).toBe(0)
  })

  it('free the space of their sent photos when the cadre chose it, never of unsent ones', async () => {
    const endpoint = fakeEndpoint()
    const sent = await saveExemplar(exemplar(), start, db)
    const held = aPhoto(sent.id, { sha256: 'd'.repeat(64) })
    await addExemplarPhoto(held, start, db)
    endpoint.state.holds.add(held.id)
    await queueExemplar((await getExemplar(sent.id, db)) as Exemplar, start, db)
    const draft = await saveExemplar(exemplar(), start, db)
    const unsent = aPhoto(draft.id, { sha256: 'e'.repeat(64) })
    await addExemplarPhoto(unsent, start, db)
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('done')
    expect(await getExemplar(sent.id, db)).toMatchObject({ state: 'accepted' })

    await setMeta(PRUNE_SENT_PHOTOS, true, db)
    expect(await pruneSentPhotos(db)).toBe(1)
    expect((await db.photos.get(held.id))?.blob).toBeNull()
    expect((await db.photos.get(unsent.id))?.blob).not.toBeNull()
  })

  it('wait, queued, when the endpoint does not answer for them', async () => {
    const endpoint = fakeEndpoint()
    endpoint.state.answersExemplars = false
    const waiting = await queueExemplar(exemplar(), start, db)
    expect(await syncOutbox({ fetch: endpoint.fetch, now })).toBe('waiting')
    expect(await getExemplar(waiting.id, db)).toMatchObject({ state: 'queued' })
    expect(await db.outbox.get(waiting.id)).toMatchObject({ kind: 'exemplar', attempts: 1, lastError: 'server' })
  })
})
