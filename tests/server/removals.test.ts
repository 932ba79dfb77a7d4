import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { GalleryResponse, PullResponse, ReportDetail } from '../../src/protocol'
import { pushMessages } from '../../server/messages'
import { blobPath } from '../../server/services/photo-store'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, sha256Of } from './field'
import { receivePhoto, testBloc, type TestBloc } from './managers'

/**
 * Personal data taken off the endpoint: the admin removes a report or one photo with a reason.
 * The rows and the photo's bytes go, the removal is audited, the unit's phones hear of it in
 * their next pull, and sending the report again does not bring anything back.
 */

let bloc: TestBloc

beforeAll(async () => {
  bloc = await testBloc()
}, 60_000)

const removal = (url: string, reason: string, headers = bloc.admin) => bloc.app.inject({ method: 'POST', url: `${url}/removal`, headers, payload: { reason } })
const pullSince = async (cursor: number) => (await bloc.app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: bloc.own.field.headers })).json<PullResponse>()
const blobFile = (bytes: Buffer) => blobPath(path.join(bloc.dataDir, 'photos'), sha256Of(bytes))

/** A report of the lead's unit with two photos whose bytes the endpoint holds. */
async function reportWithPhotos(label: string) {
  const bytes = [jpeg(3_000, `${label} 1`), jpeg(3_000, `${label} 2`)]
  const photos = bytes.map((item, index) => photoOf(item, { caption: `Ảnh ${index + 1}` }))
  const report = reportOf(bloc.own.field, { photos })
  expect(await pushOne(bloc.app, bloc.own.field, report)).toMatchObject({ outcome: 'accepted' })
  for (const item of bytes) await receivePhoto(bloc.app, bloc.dataDir, item)
  return { report, photos, bytes }
}

describe('removing one photo', () => {
  it('takes its row and bytes away, keeps the report, and the phone hears of it', async () => {
    const { report, photos, bytes } = await reportWithPhotos('một ảnh')
    const [gone, kept] = photos
    const before = (await pullSince(0)).cursor
    expect(fs.existsSync(blobFile(bytes[0]!))).toBe(true)

    expect((await removal(`/api/reports/${report.id}/photos/${gone!.id}`, 'Ảnh có mặt trẻ em, gia đình không đồng ý')).statusCode).toBe(204)

    expect((await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}/photos/${gone!.id}`, headers: bloc.admin })).statusCode).toBe(404)
    expect(fs.existsSync(blobFile(bytes[0]!))).toBe(false)
    expect(fs.existsSync(blobFile(bytes[1]!))).toBe(true)
    const detail = (await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}`, headers: bloc.admin })).json<ReportDetail>()
    expect(detail.photos.map((photo) => photo.id)).toEqual([kept!.id])
    // The revisions as sent no longer name it either.
    const bodies = await bloc.app.db.selectFrom('report_revision').select('body').where('report_id', '=', report.id).execute()
    expect(bodies.every((row) => !row.body.includes(gone!.id) && !row.body.includes(gone!.sha256))).toBe(true)
    const gallery = (await bloc.app.inject({ method: 'GET', url: `/api/gallery?unitId=${bloc.own.unitId}`, headers: bloc.admin })).json<GalleryResponse>()
    expect(gallery.photos.map((photo) => photo.photoId)).not.toContain(gone!.id)

    const pulled = await pullSince(before)
    expect(pulled.removed).toEqual([{ reportId: report.id, photoId: gone!.id, reason: 'Ảnh có mặt trẻ em, gia đình không đồng ý', at: expect.any(String) }])
    expect((await pullSince(pulled.cursor)).removed).toEqual([])

    // The phone sends a newer revision that still lists the photo: the report is taken, the photo not, and no upload is asked for.
    const again = await pushOne(bloc.app, bloc.own.field, { ...report, summary: `${report.summary} (bổ sung)`, revision: 2 })
    expect(again).toMatchObject({ outcome: 'accepted', missingPhotos: [] })
    const after = (await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}`, headers: bloc.admin })).json<ReportDetail>()
    expect(after.photos.map((photo) => photo.id)).toEqual([kept!.id])
  })

  it('keeps bytes another report still names', async () => {
    const shared = jpeg(3_000, 'ảnh dùng chung')
    const first = reportOf(bloc.own.field, { photos: [photoOf(shared)] })
    const second = reportOf(bloc.own.field, { photos: [photoOf(shared)] })
    for (const report of [first, second]) expect(await pushOne(bloc.app, bloc.own.field, report)).toMatchObject({ outcome: 'accepted' })
    await receivePhoto(bloc.app, bloc.dataDir, shared)
    expect((await removal(`/api/reports/${first.id}/photos/${first.photos[0]!.id}`, 'Trùng ảnh')).statusCode).toBe(204)
    expect(fs.existsSync(blobFile(shared))).toBe(true)
    expect((await bloc.app.inject({ method: 'GET', url: `/api/reports/${second.id}/photos/${second.photos[0]!.id}`, headers: bloc.admin })).statusCode).toBe(200)
  })
})

describe('removing a report', () => {
  it('takes the report, its photos, revisions and reviews away; the phone hears of it; sending it again is refused with the reason', async () => {
    const { report, bytes } = await reportWithPhotos('cả báo cáo')
    expect(
      (await bloc.app.inject({ method: 'POST', url: `/api/reports/${report.id}/reviews`, headers: bloc.own.lead, payload: { status: 'accepted', comment: '', revision: 1 } }))
        .statusCode,
    ).toBe(201)
    const before = (await pullSince(0)).cursor

    expect((await removal(`/api/reports/${report.id}`, 'Ghi tên và hoàn cảnh hộ nghèo')).statusCode).toBe(204)

    expect((await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}`, headers: bloc.admin })).statusCode).toBe(404)
    for (const table of ['report_entry', 'photo', 'report_revision', 'review'] as const) {
      expect(await bloc.app.db.selectFrom(table).select('report_id').where('report_id', '=', report.id).execute(), table).toEqual([])
    }
    for (const item of bytes) expect(fs.existsSync(blobFile(item))).toBe(false)
    expect((await pullSince(before)).removed).toEqual([{ reportId: report.id, photoId: null, reason: 'Ghi tên và hoàn cảnh hộ nghèo', at: expect.any(String) }])

    for (const sent of [report, { ...report, revision: 2 }]) {
      expect(await pushOne(bloc.app, bloc.own.field, sent)).toEqual({
        outcome: 'rejected',
        id: report.id,
        code: 'removed',
        reason: pushMessages.removed('Ghi tên và hoàn cảnh hộ nghèo'),
      })
    }
    // Another unit's phone, of this bloc or another, sending the id as its own hears nothing of the removal.
    for (const field of [bloc.other.field, await fieldOf(bloc.app, 'Nông Thị Hiền')]) {
      const answer = await pushOne(bloc.app, field, reportOf(field, { id: report.id }))
      expect(answer).toEqual({ outcome: 'rejected', id: report.id, code: 'wrong_unit', reason: pushMessages.wrongUnit })
    }
    expect(await bloc.app.db.selectFrom('report').select('id').where('id', '=', report.id).execute()).toEqual([])
  })

  it('is audited with the reason', async () => {
    const { report } = await reportWithPhotos('nhật ký')
    await removal(`/api/reports/${report.id}`, 'Sai xã')
    const entry = await bloc.app.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'report.remove').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(JSON.parse(entry.details)).toMatchObject({ reason: 'Sai xã', photos: 2 })
  })
})

describe('refusals', () => {
  it('needs a reason, the admin, and a report that exists', async () => {
    const { report, photos } = await reportWithPhotos('từ chối')
    expect((await removal(`/api/reports/${report.id}`, '   ')).statusCode).toBe(400)
    expect((await removal(`/api/reports/${report.id}`, 'Lý do', bloc.own.lead)).statusCode).toBe(403)
    expect((await removal(`/api/reports/${report.id}`, 'Lý do', bloc.own.field.headers)).statusCode).toBe(403)
    expect((await removal(`/api/reports/${crypto.randomUUID()}`, 'Lý do')).statusCode).toBe(404)
    expect((await removal(`/api/reports/${report.id}/photos/${crypto.randomUUID()}`, 'Lý do')).statusCode).toBe(404)
    // Nothing was removed by the refusals.
    const detail = (await bloc.app.inject({ method: 'GET', url: `/api/reports/${report.id}`, headers: bloc.admin })).json<ReportDetail>()
    expect(detail.photos).toHaveLength(photos.length)
  })
})
