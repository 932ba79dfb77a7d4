// @vitest-environment node
// (Node's Blob survives structuredClone, and so fake-indexeddb, whole; the DOM test environment's does not.)
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppDatabase } from '@/db/database'
import { addPhoto, countReports, deleteReport, getReport, listReports, queueReport, recallReport, removePhoto, ReportLockedError, reportStorage, saveReport } from '@/db/reports'
import type { Report } from '@/domain'
import { aPhoto, aReport } from './fixtures'

let db: AppDatabase
const now = (minute: number) => new Date(Date.UTC(2026, 10, 20, 2, minute))

const draft = aReport

const photo = aPhoto

beforeEach(async () => {
  db = new AppDatabase(`test-${crypto.randomUUID()}`)
  await db.open()
  await db.communes.bulkPut([
    { id: 'lung-cu', name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' },
    { id: 'sung-la', name: 'Sủng Là', district: 'Đồng Văn', province: 'Hà Giang' },
  ])
})

afterEach(async () => {
  await db.delete()
})

describe('saving a report on the phone', () => {
  it('stores a new report as a draft at revision 1, and bumps the revision with every change', async () => {
    const report = draft()
    const first = await saveReport(report, now(1), db)
    expect(first).toMatchObject({ state: 'draft', revision: 1, createdAt: now(0).toISOString(), updatedAt: now(1).toISOString() })
    const second = await saveReport({ ...first, summary: 'Thăm 5 hộ nghèo' }, now(2), db)
    expect(second.revision).toBe(2)
    expect(await getReport(report.id, db)).toEqual(second)
    expect(await db.outbox.count()).toBe(0)
  })

  it('keeps the stored state and creation time whatever the screen sends', async () => {
    const report = await saveReport(draft(), now(1), db)
    const saved = await saveReport({ ...report, state: 'accepted', createdAt: now(9).toISOString() }, now(2), db)
    expect(saved).toMatchObject({ state: 'draft', createdAt: now(0).toISOString() })
  })

  it('queues a report in the same transaction that saves it', async () => {
    const queued = await queueReport(draft(), now(1), db)
    expect(queued).toMatchObject({ state: 'queued', revision: 1 })
    expect(await getReport(queued.id, db)).toEqual(queued)
    expect(await db.outbox.get(queued.id)).toEqual({
      reportId: queued.id,
      kind: 'report',
      revision: 1,
      queuedAt: now(1).toISOString(),
      attempts: 0,
      lastError: null,
      nextAttemptAt: null,
    })
  })

  it('keeps a queued report queued when it is edited again, at the new revision', async () => {
    const queued = await queueReport(draft(), now(1), db)
    const edited = await saveReport({ ...queued, summary: 'Bổ sung' }, now(2), db)
    expect(edited).toMatchObject({ state: 'queued', revision: 2 })
    expect(await db.outbox.get(queued.id)).toMatchObject({ revision: 2, queuedAt: now(1).toISOString() })
  })

  it('saves nothing of a "Gửi" that fails half way', async () => {
    const report = await saveReport(draft(), now(1), db)
    // The queue refuses the row: the report must not be left saved as queued without it.
    db.outbox.hook('creating', () => {
      throw new Error('outbox unavailable')
    })
    await expect(queueReport({ ...report, summary: 'Đổi' }, now(2), db)).rejects.toThrow('outbox unavailable')
    expect(await getReport(report.id, db)).toMatchObject({ state: 'draft', revision: 1, summary: 'Thăm hộ nghèo' })
  })

  it('lets a refused report be fixed: it stays refused, with its reason, until it is sent again', async () => {
    const report = await saveReport(draft(), now(1), db)
    await db.reports.update(report.id, { state: 'rejected', rejection: { code: 'invalid', reason: 'Thiếu ảnh' } })
    const fixed = await saveReport({ ...report, summary: 'Đã bổ sung', rejection: null }, now(2), db)
    expect(fixed).toMatchObject({ state: 'rejected', rejection: { reason: 'Thiếu ảnh' }, revision: 2 })
    expect(await queueReport(fixed, now(3), db)).toMatchObject({ state: 'queued', rejection: null, revision: 3 })
  })

  it('keeps the receipt the sync stored, whatever the screen’s copy says', async () => {
    const report = await saveReport(draft(), now(1), db)
    await db.reports.update(report.id, { receipt: { number: '26-000001', committedAt: now(1).toISOString() } })
    expect(await saveReport({ ...report, summary: 'Đổi' }, now(2), db)).toMatchObject({ receipt: { number: '26-000001' } })
  })

  it.each(['sending', 'accepted'] as const)('refuses to change a report that is %s', async (state) => {
    const report = await saveReport(draft(), now(1), db)
    await db.reports.update(report.id, { state })
    await expect(saveReport({ ...report, summary: 'Đổi' }, now(2), db)).rejects.toBeInstanceOf(ReportLockedError)
    await expect(addPhoto(photo(report.id), now(2), db)).rejects.toBeInstanceOf(ReportLockedError)
    expect(await getReport(report.id, db)).toMatchObject({ summary: 'Thăm hộ nghèo', photoIds: [] })
    expect(await db.photos.count()).toBe(0)
  })

  it('an accepted report is corrected while the phone holds its covenant as signed, and becomes a draft to send again; not once its evaluation began', async () => {
    const covenant = { id: 'cov', blocId: 'b', year: 2026, slogan: 'Đoàn kết', status: 'signed' as const, signedAt: now(0).toISOString() }
    await db.covenants.put(covenant)
    const report = await saveReport(draft(), now(1), db)
    await db.reports.update(report.id, { state: 'accepted', receipt: { number: '26-000001', committedAt: now(1).toISOString() } })
    expect(await saveReport({ ...report, summary: 'Sửa số hộ' }, now(2), db)).toMatchObject({ state: 'draft', revision: 2, receipt: { number: '26-000001' } })

    await db.reports.update(report.id, { state: 'accepted' })
    await db.covenants.put({ ...covenant, status: 'evaluating' })
    await expect(saveReport({ ...report, summary: 'Sửa lần nữa' }, now(3), db)).rejects.toBeInstanceOf(ReportLockedError)
  })

  it('an accepted report sent back for more becomes a draft when changed, keeps its receipt and review, and is queued again', async () => {
    const report = await saveReport(draft(), now(1), db)
    const review = { status: 'needs_more' as const, comment: 'Bổ sung ảnh', reviewerName: 'Phạm Thị Lan', at: now(2).toISOString(), revision: 1 }
    await db.reports.update(report.id, { state: 'accepted', receipt: { number: '26-000001', committedAt: now(1).toISOString() }, review })
    const answered = await saveReport({ ...report, summary: 'Đã bổ sung ảnh' }, now(3), db)
    expect(answered).toMatchObject({ state: 'draft', revision: 2, receipt: { number: '26-000001' }, review })
    // Still the cadre's to change while it is being answered.
    expect((await saveReport({ ...answered, summary: 'Đã bổ sung ảnh và ghi chú' }, now(4), db)).revision).toBe(3)
    expect(await queueReport(answered, now(5), db)).toMatchObject({ state: 'queued', revision: 4, review })
  })
})

describe('deleting and calling back', () => {
  it('deletes a draft never sent with its photos, and a refused report; never one waiting to go or accepted', async () => {
    const kept = await addPhoto(photo((await saveReport(draft(), now(1), db)).id), now(2), db)
    await deleteReport(kept.id, db)
    expect(await getReport(kept.id, db)).toBeUndefined()
    expect(await db.photos.where('reportId').equals(kept.id).count()).toBe(0)

    const refused = draft({ state: 'rejected', rejection: { code: 'removed', reason: 'Đã xoá' } })
    await db.reports.put({ ...refused, searchText: '' })
    await deleteReport(refused.id, db)
    expect(await getReport(refused.id, db)).toBeUndefined()

    const waiting = await queueReport(draft(), now(3), db)
    await expect(deleteReport(waiting.id, db)).rejects.toBeInstanceOf(ReportLockedError)
    const accepted = draft({ state: 'accepted', receipt: { number: '26-000001', committedAt: now(4).toISOString() } })
    await db.reports.put({ ...accepted, searchText: '' })
    await expect(deleteReport(accepted.id, db)).rejects.toBeInstanceOf(ReportLockedError)
    // A draft answering a reviewer, of a report the endpoint holds, is not deleted either.
    await db.reports.put({ ...accepted, state: 'draft', searchText: '' })
    await expect(deleteReport(accepted.id, db)).rejects.toBeInstanceOf(ReportLockedError)
    expect(await db.reports.count()).toBe(2)
  })

  it('calls a queued report back to a draft, out of the queue; never one already on its way', async () => {
    const waiting = await queueReport(draft(), now(1), db)
    const back = await recallReport(waiting.id, now(2), db)
    expect(back).toMatchObject({ state: 'draft', revision: waiting.revision })
    expect(await db.outbox.count()).toBe(0)
    await db.reports.put({ ...(await queueReport(back, now(3), db)), state: 'sending', searchText: '' })
    await expect(recallReport(waiting.id, now(4), db)).rejects.toBeInstanceOf(ReportLockedError)
    expect(await db.outbox.count()).toBe(1)
  })
})

describe('photos of a report', () => {
  it('adds and removes a photo together with the report’s list of photos', async () => {
    const report = await saveReport(draft(), now(1), db)
    const first = photo(report.id)
    const withPhoto = await addPhoto(first, now(2), db)
    expect(withPhoto).toMatchObject({ photoIds: [first.id], revision: 2 })
    expect(await reportStorage(db)).toEqual({ reports: 1, photos: 1, photoBytes: 1100 })

    const without = await removePhoto(report.id, first.id, now(3), db)
    expect(without).toMatchObject({ photoIds: [], revision: 3 })
    expect(await db.photos.count()).toBe(0)
  })

  it('refuses a photo for a report that is not on the phone', async () => {
    await expect(addPhoto(photo('missing'), now(1), db)).rejects.toThrow('no report missing')
    expect(await db.photos.count()).toBe(0)
  })
})

describe('lists of reports', () => {
  async function seed(): Promise<Report[]> {
    const saved: Report[] = []
    for (let i = 0; i < 7; i++) {
      const report = draft({
        communeId: i % 2 === 0 ? 'lung-cu' : 'sung-la',
        summary: i === 3 ? 'Trao bò giống cho hộ nghèo' : `Lượt thăm ${i}`,
        entries: [{ commitmentId: 'visits', status: 'done', amount: 1, note: i === 5 ? 'Đường trơn, đi bộ' : '' }],
      })
      saved.push(i < 3 ? await saveReport(report, now(i), db) : await queueReport(report, now(i), db))
    }
    return saved
  }

  it('shows the newest first, a page at a time', async () => {
    const saved = await seed()
    const newestFirst = [...saved].reverse().map((report) => report.id)
    expect((await listReports({ limit: 3 }, db)).map((report) => report.id)).toEqual(newestFirst.slice(0, 3))
    expect((await listReports({ offset: 3, limit: 3 }, db)).map((report) => report.id)).toEqual(newestFirst.slice(3, 6))
    expect((await listReports({ offset: 6, limit: 3 }, db)).map((report) => report.id)).toEqual(newestFirst.slice(6))
  })

  it('filters by state, by commune, and by both', async () => {
    const saved = await seed()
    expect((await listReports({ state: 'draft' }, db)).map((report) => report.id)).toEqual([saved[2]?.id, saved[1]?.id, saved[0]?.id])
    expect((await listReports({ communeId: 'sung-la' }, db)).map((report) => report.id)).toEqual([saved[5]?.id, saved[3]?.id, saved[1]?.id])
    expect((await listReports({ state: 'queued', communeId: 'lung-cu' }, db)).map((report) => report.id)).toEqual([saved[6]?.id, saved[4]?.id])
  })

  it('finds words in the commune, the summary and the notes, without diacritics', async () => {
    const saved = await seed()
    expect((await listReports({ search: 'sung la bo giong' }, db)).map((report) => report.id)).toEqual([saved[3]?.id])
    expect((await listReports({ search: 'DUONG TRON' }, db)).map((report) => report.id)).toEqual([saved[5]?.id])
    expect(await listReports({ search: 'lung cu bo' }, db)).toEqual([])
  })

  it('counts reports per state, for the phone and for one commune', async () => {
    await seed()
    expect(await countReports(undefined, db)).toEqual({ draft: 3, queued: 4, sending: 0, accepted: 0, rejected: 0 })
    expect(await countReports('lung-cu', db)).toEqual({ draft: 2, queued: 2, sending: 0, accepted: 0, rejected: 0 })
  })

  it('hands back reports without the folded search text', async () => {
    const [first] = await seed()
    expect(Object.keys((await getReport(first?.id ?? '', db)) ?? {})).not.toContain('searchText')
    expect(Object.keys((await listReports({}, db))[0] ?? {})).not.toContain('searchText')
  })
})
