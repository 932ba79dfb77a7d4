import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { db } from '@/db/database'
import { applyPull, commitmentsOf, getEnrollment, pullCursor, readReference, saveEnrollment } from '@/db/reference'
import { enrollDevice, pullReference } from '@/sync/reference'
import { NetworkError } from '@/sync/api'
import type { PullResponse } from '@/protocol'
import type { Review } from '@/domain'
import { aPhoto, aReport } from './fixtures'

const ids = {
  bloc: '00000000-0000-4000-8000-000000000001',
  unit: '00000000-0000-4000-8000-000000000002',
  other: '00000000-0000-4000-8000-000000000003',
  member: '00000000-0000-4000-8000-000000000004',
  covenant: '00000000-0000-4000-8000-000000000005',
  communeA: '00000000-0000-4000-8000-000000000006',
  communeB: '00000000-0000-4000-8000-000000000007',
  device: '00000000-0000-4000-8000-000000000008',
}

const firstPull: PullResponse = {
  cursor: 7,
  full: true,
  bloc: { id: ids.bloc, name: 'Khối thi đua', province: 'Hà Giang', headUnitId: ids.unit, deputyUnitId: null },
  units: [
    { id: ids.unit, name: 'Ban Dân vận Tỉnh ủy', shortName: 'Ban Dân vận' },
    { id: ids.other, name: 'Văn phòng Tỉnh ủy', shortName: 'Văn phòng' },
  ],
  unit: { id: ids.unit, blocId: ids.bloc, name: 'Ban Dân vận Tỉnh ủy', shortName: 'Ban Dân vận' },
  member: { id: ids.member, unitId: ids.unit, name: 'Lý Thị Dua', role: 'cadre', title: 'Chuyên viên' },
  communes: [
    { id: ids.communeA, name: 'Sủng Thài', district: 'Yên Minh', province: 'Hà Giang' },
    { id: ids.communeB, name: 'Lao Và Chải', district: 'Yên Minh', province: 'Hà Giang' },
  ],
  assignments: [
    { unitId: ids.unit, communeId: ids.communeA, year: 2026 },
    { unitId: ids.unit, communeId: ids.communeB, year: 2026 },
  ],
  covenant: { id: ids.covenant, blocId: ids.bloc, year: 2026, slogan: 'Đổi mới', status: 'signed', signedAt: '2026-02-14' },
  commitments: [2, 1].map((order) => ({
    id: `00000000-0000-4000-8000-00000000010${order}`,
    covenantId: ids.covenant,
    group: 'Nhóm',
    order,
    title: `Nội dung ${order}`,
    description: '',
    measure: 'done' as const,
    target: null,
    unitLabel: '',
    maxPoints: 10,
    scope: 'unit' as const,
    retiredAt: null,
  })),
  reviews: [],
  removed: [],
}

const enrollment = { deviceId: ids.device, deviceName: 'Máy thử', token: 'gud_token', memberId: ids.member, unitId: ids.unit, enrolledAt: '2026-03-01T00:00:00.000Z' }

function answer(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
}

beforeEach(async () => {
  await db.delete()
  await db.open()
})

describe('applying a pull', () => {
  it('stores the unit’s data and the cursor; the screens read communes by name and commitments in order', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date('2026-03-01T08:00:00Z') })
    expect(await pullCursor()).toBe(7)
    const data = await readReference()
    expect(data.enrollment).toMatchObject({ memberId: ids.member, revokedAt: null })
    expect(data.enrollment).not.toHaveProperty('token')
    expect(data.unit?.name).toBe('Ban Dân vận Tỉnh ủy')
    expect(data.member?.name).toBe('Lý Thị Dua')
    expect(data.bloc?.province).toBe('Hà Giang')
    expect(data.covenant?.year).toBe(2026)
    expect(data.communes.map((row) => row.name)).toEqual(['Lao Và Chải', 'Sủng Thài'])
    expect(data.commitments.map((row) => row.order)).toEqual([1, 2])
    expect(data.lastPullAt).toBe('2026-03-01T08:00:00.000Z')
  })

  it('applies a later pull on top: changed rows replaced, the rest kept', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    await applyPull(
      {
        cursor: 9,
        full: false,
        units: [],
        communes: [{ id: ids.communeA, name: 'Sủng Thài mới', district: 'Yên Minh', province: 'Hà Giang' }],
        assignments: [],
        commitments: [],
        reviews: [],
      },
      { now: new Date() },
    )
    const data = await readReference()
    expect(await pullCursor()).toBe(9)
    expect(data.communes.map((row) => row.name)).toEqual(['Lao Và Chải', 'Sủng Thài mới'])
    expect(data.commitments).toHaveLength(2)
  })

  it('keeps the years being evaluated as the last pull named them, other than the one followed; a pull without them changes nothing', async () => {
    await saveEnrollment(enrollment)
    const lastYear = { covenantId: '00000000-0000-4000-8000-000000000777', year: 2025 }
    await applyPull({ ...firstPull, evaluating: [lastYear] }, { now: new Date() })
    expect((await readReference()).evaluating).toEqual([lastYear])
    await applyPull({ cursor: 9, full: false, units: [], communes: [], assignments: [], commitments: [], reviews: [] }, { now: new Date() })
    expect((await readReference()).evaluating).toEqual([lastYear])
    await applyPull({ cursor: 10, full: false, units: [], communes: [], assignments: [], commitments: [], reviews: [], evaluating: [] }, { now: new Date() })
    expect((await readReference()).evaluating).toEqual([])
  })

  it('a full pull replaces what the phone holds: rows it no longer brings are dropped', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const moved = { ...firstPull, cursor: 20, communes: firstPull.communes.slice(0, 1), assignments: firstPull.assignments.slice(0, 1) }
    await applyPull(moved, { now: new Date() })
    expect((await readReference()).communes.map((row) => row.name)).toEqual(['Sủng Thài'])
    expect(await db.communes.count()).toBe(1)
  })

  it('a full pull for a new year keeps the earlier covenant its reports name, with its commitments, for corrections', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const next = '00000000-0000-4000-8000-000000000055'
    const nextYear = {
      ...firstPull,
      cursor: 30,
      covenant: { ...firstPull.covenant, id: next, year: 2027 },
      commitments: firstPull.commitments.map((item) => ({ ...item, id: item.id.replace('0000010', '0000020'), covenantId: next })),
    } as PullResponse
    await applyPull(nextYear, { now: new Date() })
    // Nothing on the phone names 2026 any more: it goes.
    expect(await db.covenants.count()).toBe(1)
    await applyPull(firstPull, { now: new Date() })
    await db.reports.put({ ...aReport({ covenantId: ids.covenant }), searchText: '' })
    await applyPull(nextYear, { now: new Date() })
    expect((await readReference()).covenant?.id).toBe(next)
    expect((await db.covenants.toArray()).map((row) => row.year).sort()).toEqual([2026, 2027])
    expect((await commitmentsOf(ids.covenant)).map((row) => row.order)).toEqual([1, 2])
    expect(await commitmentsOf(next)).toHaveLength(2)
  })

  it('puts each review on the report it is about, never an older one over a newer', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const report = aReport({ id: '00000000-0000-4000-8000-000000000201', state: 'accepted', revision: 2 })
    await db.reports.put({ ...report, searchText: '' })
    const review: Review = {
      id: crypto.randomUUID(),
      reportId: report.id,
      revision: 2,
      status: 'needs_more',
      comment: 'Bổ sung ảnh nhà đại đoàn kết',
      reviewerId: ids.member,
      reviewerName: 'Phạm Thị Lan',
      at: '2026-03-02T08:00:00.000Z',
    }
    const later = (changes: Partial<Review>, cursor: number) => ({
      cursor,
      full: false,
      units: [],
      communes: [],
      assignments: [],
      commitments: [],
      reviews: [{ ...review, ...changes }],
    })
    await applyPull(later({}, 8), { now: new Date() })
    expect((await db.reports.get(report.id))?.review).toEqual({
      status: 'needs_more',
      comment: 'Bổ sung ảnh nhà đại đoàn kết',
      reviewerName: 'Phạm Thị Lan',
      at: review.at,
      revision: 2,
    })
    await applyPull(later({ status: 'accepted', comment: 'Cũ hơn', at: '2026-03-01T08:00:00.000Z' }, 9), { now: new Date() })
    expect((await db.reports.get(report.id))?.review?.comment).toBe('Bổ sung ảnh nhà đại đoàn kết')
    // A review of a report this phone never held changes nothing.
    await applyPull(later({ reportId: '00000000-0000-4000-8000-000000000299' }, 10), { now: new Date() })
    expect(await db.reports.count()).toBe(1)
  })

  it('drops what the admin removed, never a report with changes not yet sent', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const held = aReport({ state: 'accepted', revision: 1 })
    const edited = aReport({ state: 'queued', revision: 2 })
    const kept = aReport({ state: 'accepted', revision: 1 })
    const photoOfKept = aPhoto(kept.id)
    for (const report of [held, edited, kept]) {
      const photo = report === kept ? photoOfKept : aPhoto(report.id)
      await db.photos.put(photo)
      await db.reports.put({ ...report, photoIds: [photo.id], searchText: '' })
    }
    const removed = [
      { reportId: held.id, photoId: null, reason: 'Sai đối tượng', at: '2026-03-02T08:00:00.000Z' },
      { reportId: edited.id, photoId: null, reason: 'Sai đối tượng', at: '2026-03-02T08:00:00.000Z' },
      { reportId: kept.id, photoId: photoOfKept.id, reason: 'Ảnh có trẻ em', at: '2026-03-02T08:00:00.000Z' },
    ]
    await applyPull({ cursor: 8, full: false, units: [], communes: [], assignments: [], commitments: [], reviews: [], removed }, { now: new Date() })
    expect(await db.reports.get(held.id)).toBeUndefined()
    expect(await db.photos.where('reportId').equals(held.id).count()).toBe(0)
    // Its unsent revision stays; the endpoint answers its push with the reason.
    expect((await db.reports.get(edited.id))?.photoIds).toHaveLength(1)
    expect((await db.reports.get(kept.id))?.photoIds).toEqual([])
    expect(await db.photos.get(photoOfKept.id)).toBeUndefined()
  })

  it('a phone started afresh gets the member’s reports back, accepted, with receipts and reviews, photos by reference; a report it holds is untouched', async () => {
    await saveEnrollment(enrollment)
    const local = aReport({ state: 'queued', revision: 5, summary: 'Bản trên máy' })
    await db.reports.put({ ...local, searchText: '' })
    const { id, unitId, communeId, covenantId, visitDate, visitTime, summary, location, entries, revision, createdAt, updatedAt } = aReport({
      communeId: ids.communeA,
      summary: 'Thăm hộ nghèo thôn Sủng Lủng',
    })
    const photo = {
      id: '00000000-0000-4000-8000-000000000201',
      sha256: 'a'.repeat(64),
      size: 1000,
      type: 'image/jpeg' as const,
      width: 1600,
      height: 1200,
      caption: 'Trao bò',
      takenAt: createdAt,
    }
    const sent = { id, unitId, communeId, covenantId, visitDate, visitTime, summary, location, entries, revision, createdAt, updatedAt, photos: [photo] }
    const receipt = { number: '26-000042', committedAt: '2026-03-03T08:00:00.000Z' }
    const review: Review = {
      id: crypto.randomUUID(),
      reportId: id,
      revision,
      status: 'accepted',
      comment: '',
      reviewerId: ids.member,
      reviewerName: 'Phạm Thị Lan',
      at: '2026-03-04T08:00:00.000Z',
    }
    const ownReports = [
      { report: sent, receipt },
      { report: { ...sent, id: local.id, summary: 'Bản cũ trên máy chủ', photos: [] }, receipt },
    ]
    await applyPull({ ...firstPull, reviews: [review], ownReports }, { now: new Date() })
    expect(await db.reports.get(id)).toMatchObject({
      state: 'accepted',
      receipt,
      authorId: ids.member,
      photoIds: [photo.id],
      summary: 'Thăm hộ nghèo thôn Sủng Lủng',
      review: { status: 'accepted' },
    })
    expect((await db.reports.get(id))?.searchText).toContain('sung thai')
    expect(await db.photos.get(photo.id)).toMatchObject({ reportId: id, blob: null, thumbnail: null, caption: 'Trao bò', uploadedAt: receipt.committedAt })
    expect(await db.reports.get(local.id)).toMatchObject({ state: 'queued', revision: 5, summary: 'Bản trên máy' })
  })

  it('a pull made for an earlier enrollment is dropped', async () => {
    await saveEnrollment({ ...enrollment, deviceId: 'new-device' })
    expect(await applyPull(firstPull, { now: new Date(), deviceId: ids.device })).toBe(false)
    expect(await pullCursor()).toBe(0)
    expect(await db.communes.count()).toBe(0)
  })

  it('is all or nothing: a pull that fails half-way leaves the last good picture', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const broken = { ...firstPull, cursor: 12, communes: [{ id: ids.communeA, name: 'Đổi tên' }, { name: 'không có id' }] } as unknown as PullResponse
    await expect(applyPull(broken, { now: new Date() })).rejects.toThrow()
    expect(await pullCursor()).toBe(7)
    expect((await readReference()).communes.map((row) => row.name)).toEqual(['Lao Và Chải', 'Sủng Thài'])
  })
})

describe('syncing reference data', () => {
  it('enrolls, then pulls with the device token and the stored cursor', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    fetch.mockResolvedValueOnce(
      answer(201, {
        deviceToken: 'gud_abc',
        device: { id: ids.device, memberId: ids.member, name: 'Máy thử', enrolledAt: '2026-03-01T00:00:00.000Z', revokedAt: null },
        member: firstPull.member,
        unit: firstPull.unit,
      }),
    )
    await enrollDevice({ code: 'ABCDE-FGHJK', deviceName: 'Máy thử' }, { fetch })
    expect((await getEnrollment())?.token).toBe('gud_abc')

    fetch.mockResolvedValueOnce(answer(200, firstPull))
    expect(await pullReference({ fetch })).toBe('pulled')
    const [url, init] = fetch.mock.calls[1] ?? []
    expect(url).toBe('/api/pull?cursor=0')
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer gud_abc')

    fetch.mockResolvedValueOnce(answer(200, { cursor: 7, full: false, units: [], communes: [], assignments: [], commitments: [], reviews: [] }))
    await pullReference({ fetch })
    expect(fetch.mock.calls[2]?.[0]).toBe('/api/pull?cursor=7')
  })

  it('while the phone holds unsent work, asks for a code of the same member only', async () => {
    const enrolled = () =>
      answer(201, {
        deviceToken: 'gud_new',
        device: { id: ids.device, memberId: ids.member, name: 'Máy thử', enrolledAt: '2026-03-01T00:00:00.000Z', revokedAt: null },
        member: firstPull.member,
        unit: firstPull.unit,
      })
    const fetch = vi.fn<typeof globalThis.fetch>().mockImplementation(() => Promise.resolve(enrolled()))
    const sent = () => JSON.parse(fetch.mock.calls.at(-1)?.[1]?.body as string) as { onlyMemberId?: string }
    await saveEnrollment(enrollment)
    await enrollDevice({ code: 'ABCDE-FGHJK', deviceName: 'Máy thử' }, { fetch })
    expect(sent().onlyMemberId).toBeUndefined()
    await db.reports.put({ ...aReport({ state: 'queued' }), searchText: '' })
    await enrollDevice({ code: 'ABCDE-FGHJM', deviceName: 'Máy thử' }, { fetch })
    expect(sent().onlyMemberId).toBe(ids.member)
  })

  it('retries an enrollment whose answer was lost with the same request id', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>().mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(enrollDevice({ code: 'ABCDE-FGHJK', deviceName: 'Máy thử' }, { fetch })).rejects.toBeInstanceOf(NetworkError)
    fetch.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    await expect(enrollDevice({ code: 'ABCDE-FGHJK', deviceName: 'Máy thử' }, { fetch })).rejects.toBeInstanceOf(NetworkError)
    const sent = fetch.mock.calls.map(([, init]) => JSON.parse(init?.body as string) as { requestId: string })
    expect(sent[0]?.requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(sent[1]?.requestId).toBe(sent[0]?.requestId)
  })

  it('on 401 marks the phone revoked and keeps every row it holds', async () => {
    await saveEnrollment(enrollment)
    await applyPull(firstPull, { now: new Date() })
    const fetch = vi.fn<typeof globalThis.fetch>().mockResolvedValue(answer(401, { statusCode: 401, error: 'Unauthorized', message: 'revoked', code: 'device_revoked' }))
    expect(await pullReference({ fetch })).toBe('revoked')
    const data = await readReference()
    expect(data.enrollment?.revokedAt).not.toBeNull()
    expect(data.communes).toHaveLength(2)
    // Revoked: no more requests until the phone enrolls again.
    expect(await pullReference({ fetch })).toBe('revoked')
    expect(fetch).toHaveBeenCalledTimes(1)
    await saveEnrollment({ ...enrollment, token: 'gud_new' })
    expect((await readReference()).enrollment?.revokedAt).toBeNull()
  })

  it('when the endpoint cannot be reached, says so and changes nothing', async () => {
    await saveEnrollment(enrollment)
    const fetch = vi.fn<typeof globalThis.fetch>().mockRejectedValue(new TypeError('Failed to fetch'))
    await expect(pullReference({ fetch })).rejects.toBeInstanceOf(NetworkError)
    expect(await pullCursor()).toBe(0)
  })

  it('two pulls at once in one tab make one request', async () => {
    await saveEnrollment(enrollment)
    const fetch = vi.fn<typeof globalThis.fetch>().mockImplementation(() => Promise.resolve(answer(200, firstPull)))
    await Promise.all([pullReference({ fetch }), pullReference({ fetch })])
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('without an enrollment, pulls nothing', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>()
    expect(await pullReference({ fetch })).toBe('not-enrolled')
    expect(fetch).not.toHaveBeenCalled()
  })
})
