import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { PushedReport, PushResponse, PushResult } from '../../src/protocol'
import { recordPhotoBlob } from '../../server/services/photos'
import { commitmentOf, fieldOf, isoDay, jpeg, photoOf, push, pushOne, reportOf, type Field } from './field'
import { buildTestApp, refuseInserts } from './helper'

type App = Awaited<ReturnType<typeof buildTestApp>>
type Outcome<O extends PushResult['outcome']> = Extract<PushResult, { outcome: O }>

function expectOutcome<O extends PushResult['outcome']>(result: PushResult, outcome: O): Outcome<O> {
  expect(result).toMatchObject({ outcome })
  return result as Outcome<O>
}

const DAY = 24 * 60 * 60 * 1000
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))
const receiptPattern = (field: Field) => new RegExp(`^${String(field.covenant.year % 100).padStart(2, '0')}-\\d{6}$`)

async function storedReport(app: App, id: string) {
  return app.db.selectFrom('report').selectAll().where('id', '=', id).executeTakeFirst()
}

describe('POST /api/push', () => {
  it('accepts a new report with a receipt, and stores it, its entries and what the phone says of itself', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const report = reportOf(field)
    const response = await push(app, field, [report], { appVersion: '0.2.0', waiting: 3, freeBytes: 123_456_789 })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const [result] = response.json<PushResponse>().results
    expect(result).toEqual({
      outcome: 'accepted',
      id: report.id,
      receipt: { number: expect.stringMatching(receiptPattern(field)) as string, committedAt: expect.any(String) as string },
      revision: 1,
      missingPhotos: [],
    })

    const author = await app.db.selectFrom('member').select('id').where('name', '=', 'Lý Thị Dua').executeTakeFirstOrThrow()
    const row = await storedReport(app, report.id)
    expect(row).toMatchObject({
      unit_id: field.unitId,
      author_id: author.id,
      commune_id: report.communeId,
      covenant_id: field.covenant.id,
      visit_date: report.visitDate,
      visit_time: '08:30',
      summary: report.summary,
      latitude: 23.1,
      longitude: 105.2,
      accuracy: 12,
      revision: 1,
      receipt_number: expectOutcome(result as PushResult, 'accepted').receipt.number,
      created_at: report.createdAt,
    })
    expect(JSON.parse(row?.body ?? '')).toEqual(report)
    // Only the entry that says something: the other was left "not started".
    expect(await app.db.selectFrom('report_entry').select(['commitment_id', 'status', 'amount', 'note']).execute()).toEqual([
      { commitment_id: commitmentOf(field, 'done').id, status: 'done', amount: null, note: '' },
    ])
    const device = await app.db.selectFrom('device').select(['app_version', 'waiting', 'free_bytes', 'last_push_at']).executeTakeFirstOrThrow()
    expect(device).toEqual({ app_version: '0.2.0', waiting: 3, free_bytes: 123_456_789, last_push_at: expect.any(String) as string })
  })

  it('numbers receipts in order within the covenant’s year', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const year = String(field.covenant.year % 100).padStart(2, '0')
    const batch = (await push(app, field, [reportOf(field), reportOf(field)])).json<PushResponse>().results
    const next = await pushOne(app, field, reportOf(field))
    expect([...batch, next].map((result) => expectOutcome(result, 'accepted').receipt.number)).toEqual([`${year}-000001`, `${year}-000002`, `${year}-000003`])
  })

  it('answers the same report sent again as the first time, and writes nothing', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const report = reportOf(field)
    const first = expectOutcome(await pushOne(app, field, report), 'accepted')
    await tick()
    const again = await pushOne(app, field, report)
    expect(again).toEqual({ ...first, outcome: 'duplicate' })
    // The same content with its fields in another order is the same report.
    const reordered = Object.fromEntries(Object.entries(report).reverse()) as PushedReport
    expect(await pushOne(app, field, reordered)).toEqual({ ...first, outcome: 'duplicate' })
    expect((await storedReport(app, report.id))?.committed_at).toBe(first.receipt.committedAt)
    expect(await app.db.selectFrom('report').select('id').execute()).toHaveLength(1)
  })

  it('answers a conflict with the endpoint’s version for other content at the same revision, and for an older revision', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const report = reportOf(field, { revision: 2 })
    const first = expectOutcome(await pushOne(app, field, report), 'accepted')

    for (const other of [
      { ...report, summary: 'Nội dung khác' },
      { ...report, revision: 1, summary: 'Bản cũ' },
    ]) {
      const conflict = expectOutcome(await pushOne(app, field, other), 'conflict')
      expect(conflict).toEqual({ ...first, outcome: 'conflict', current: report })
    }
    expect((await storedReport(app, report.id))?.summary).toBe(report.summary)
  })

  it('replaces a report with a newer revision, keeping its receipt number', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const [kept, dropped, receivedThenRemoved] = ['kept', 'dropped', 'received'].map((seed) => photoOf(jpeg(400, seed)))
    if (!kept || !dropped || !receivedThenRemoved) throw new Error('photos')
    const percent = commitmentOf(field, 'percent')
    const v1 = reportOf(field, { photos: [kept, dropped, receivedThenRemoved] })
    const first = expectOutcome(await pushOne(app, field, v1), 'accepted')
    expect(first.missingPhotos).toEqual([kept.id, dropped.id, receivedThenRemoved.id])
    await recordPhotoBlob(app.db, { sha256: receivedThenRemoved.sha256, size: 400, type: 'image/jpeg' }, field.unitId)
    await tick()

    const v2: PushedReport = {
      ...v1,
      revision: 2,
      summary: 'Đã bổ sung kết quả.',
      entries: [{ commitmentId: percent.id, status: 'in_progress', amount: 60, note: 'Đạt 60%' }],
      photos: [kept],
      updatedAt: new Date().toISOString(),
    }
    const second = expectOutcome(await pushOne(app, field, v2), 'accepted')
    expect(second).toMatchObject({ id: v1.id, revision: 2, missingPhotos: [kept.id], receipt: { number: first.receipt.number } })
    expect(second.receipt.committedAt > first.receipt.committedAt).toBe(true)

    expect(await storedReport(app, v1.id)).toMatchObject({ revision: 2, summary: 'Đã bổ sung kết quả.', receipt_number: first.receipt.number })
    expect(await app.db.selectFrom('report_entry').select(['commitment_id', 'amount']).execute()).toEqual([{ commitment_id: percent.id, amount: 60 }])
    // The photo never received goes; the received one stays, marked removed: evidence is kept.
    const photos = await app.db.selectFrom('photo').select(['id', 'received_at', 'removed_at']).orderBy('position').execute()
    expect(photos).toEqual([
      { id: kept.id, received_at: null, removed_at: null },
      { id: receivedThenRemoved.id, received_at: expect.any(String) as string, removed_at: second.receipt.committedAt },
    ])
  })

  it('keeps a null amount null and a zero amount zero', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const count = commitmentOf(field, 'count')
    const report = reportOf(field, {
      entries: [
        { commitmentId: commitmentOf(field, 'done').id, status: 'done', amount: null, note: '' },
        { commitmentId: count.id, status: 'in_progress', amount: 0, note: 'Mới bắt đầu' },
      ],
    })
    expectOutcome((await push(app, field, [report], { appVersion: '0.2.0', waiting: 0, freeBytes: null })).json<PushResponse>().results[0] as PushResult, 'accepted')
    const amounts = await app.db.selectFrom('report_entry').select(['commitment_id', 'amount']).execute()
    expect(Object.fromEntries(amounts.map((row) => [row.commitment_id, row.amount]))).toEqual({ [commitmentOf(field, 'done').id]: null, [count.id]: 0 })
    expect(await app.db.selectFrom('device').select(['waiting', 'free_bytes']).executeTakeFirstOrThrow()).toEqual({ waiting: 0, free_bytes: null })
  })

  it('counts a listed photo as received at once when the unit already sent its bytes', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const known = photoOf(jpeg(500, 'sent before'))
    expect(expectOutcome(await pushOne(app, field, reportOf(field, { photos: [known] })), 'accepted').missingPhotos).toEqual([known.id])
    await recordPhotoBlob(app.db, { sha256: known.sha256, size: known.size, type: 'image/jpeg' }, field.unitId)
    const again = { ...known, id: randomUUID() }
    const fresh = photoOf(jpeg(500, 'new'))
    const result = expectOutcome(await pushOne(app, field, reportOf(field, { photos: [again, fresh] })), 'accepted')
    expect(result.missingPhotos).toEqual([fresh.id])
  })

  it('asks for the bytes of a photo only another unit sent: its hash alone gives nothing of another bloc', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const theirs = photoOf(jpeg(500, 'another bloc'))
    const held = reportOf(field, { photos: [theirs] })
    expectOutcome(await pushOne(app, field, held), 'accepted')
    await recordPhotoBlob(app.db, { sha256: theirs.sha256, size: theirs.size, type: 'image/jpeg' }, field.unitId)
    // A phone of the other bloc lists the same hash: it is asked to send the bytes, and cannot read them meanwhile.
    const stranger = await fieldOf(app, 'Nông Thị Hiền')
    expect(stranger.unitId).not.toBe(field.unitId)
    const listed = { ...theirs, id: randomUUID() }
    const report = reportOf(stranger, { photos: [listed] })
    expect(expectOutcome(await pushOne(app, stranger, report), 'accepted').missingPhotos).toEqual([listed.id])
    const read = await app.inject({ method: 'GET', url: `/api/device/reports/${report.id}/photos/${listed.id}`, headers: stranger.headers })
    expect(read.statusCode).not.toBe(200)
    // Bytes that come for the first unit's report again leave the other's waiting.
    await recordPhotoBlob(app.db, { sha256: theirs.sha256, size: theirs.size, type: 'image/jpeg' }, field.unitId)
    const waiting = await app.db.selectFrom('photo').select('received_at').where('report_id', '=', report.id).executeTakeFirstOrThrow()
    expect(waiting.received_at).toBeNull()
    // Its own phone's upload receives it.
    await recordPhotoBlob(app.db, { sha256: theirs.sha256, size: theirs.size, type: 'image/jpeg' }, stranger.unitId)
    expect((await app.db.selectFrom('photo').select('received_at').where('report_id', '=', report.id).executeTakeFirstOrThrow()).received_at).not.toBeNull()
  })

  it('answers each report of a batch on its own: a rejected one does not stop the others', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const reports = [reportOf(field), reportOf(field, { summary: '' }), reportOf(field)]
    const results = (await push(app, field, reports)).json<PushResponse>().results
    expect(results.map((result) => [result.id, result.outcome])).toEqual(reports.map((report, index) => [report.id, index === 1 ? 'rejected' : 'accepted']))
    expect(await app.db.selectFrom('report').select('id').execute()).toHaveLength(2)
  })
})

describe('POST /api/push refusals', () => {
  it('rejects a report for another unit, and another unit’s report id, in the same words', async () => {
    const app = await buildTestApp()
    const dua = await fieldOf(app)
    const chu = await fieldOf(app, 'Giàng Seo Chứ')
    const forOther = expectOutcome(await pushOne(app, dua, reportOf(dua, { unitId: chu.unitId })), 'rejected')
    expect(forOther.code).toBe('wrong_unit')

    const theirs = reportOf(chu)
    expectOutcome(await pushOne(app, chu, theirs), 'accepted')
    for (const attempt of [reportOf(dua, { id: theirs.id, revision: 5 }), reportOf(dua, { id: theirs.id })]) {
      const overwrite = expectOutcome(await pushOne(app, dua, attempt), 'rejected')
      expect(overwrite).toEqual({ ...forOther, id: theirs.id })
    }
    expect(await storedReport(app, theirs.id)).toMatchObject({ unit_id: chu.unitId, revision: 1, summary: theirs.summary })
  })

  it('rejects a report of a covenant that is not the bloc’s signed one, yet still answers one it holds', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const unknown = expectOutcome(await pushOne(app, field, reportOf(field, { covenantId: randomUUID() })), 'rejected')
    expect(unknown.code).toBe('covenant_not_active')

    const held = reportOf(field)
    const first = expectOutcome(await pushOne(app, field, held), 'accepted')
    await app.db.updateTable('covenant').set({ status: 'closed' }).execute()
    expect(expectOutcome(await pushOne(app, field, reportOf(field)), 'rejected').code).toBe('covenant_not_active')
    expect(await pushOne(app, field, held)).toEqual({ ...first, outcome: 'duplicate' })
  })

  it('rejects a commune not assigned to the unit for the covenant’s year', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const other = await fieldOf(app, 'Giàng Seo Chứ')
    const result = expectOutcome(await pushOne(app, field, reportOf(field, { communeId: other.communes[0]?.id ?? '' })), 'rejected')
    expect(result).toMatchObject({ code: 'commune_not_assigned', reason: expect.stringContaining(String(field.covenant.year)) as string })
  })

  it('rejects an entry for a commitment outside the covenant', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const entries = [...reportOf(field).entries, { commitmentId: randomUUID(), status: 'not_started' as const, amount: null, note: '' }]
    expect(expectOutcome(await pushOne(app, field, reportOf(field, { entries })), 'rejected').code).toBe('unknown_commitment')
  })

  const tomorrowButOne = () => isoDay(new Date(Date.now() + 2 * DAY))
  it.each<[string, (field: Field) => Partial<PushedReport>, (field: Field) => string]>([
    ['a visit after tomorrow', () => ({ visitDate: tomorrowButOne() }), () => 'Ngày đi cơ sở không được sau hôm nay.'],
    ['a day that does not exist', () => ({ visitDate: '2026-02-30' }), () => 'Ngày đi cơ sở không hợp lệ.'],
    ['a time that does not exist', () => ({ visitTime: '25:10' }), () => 'Giờ đi cơ sở không hợp lệ (HH:mm).'],
    ['a blank summary', () => ({ summary: '   ' }), () => 'Báo cáo chưa có phần tóm tắt.'],
    [
      'no entry that says anything',
      (field) => ({ entries: [{ commitmentId: commitmentOf(field, 'done').id, status: 'not_started', amount: null, note: '' }] }),
      () => 'Hãy đánh dấu ít nhất một nội dung giao ước đã thực hiện.',
    ],
    [
      'a count done without its amount',
      (field) => ({ entries: [{ commitmentId: commitmentOf(field, 'count').id, status: 'done', amount: null, note: '' }] }),
      (field) => `Hãy nhập số lượng đã thực hiện cho nội dung «${commitmentOf(field, 'count').title}».`,
    ],
    [
      'a percentage over 100',
      (field) => ({ entries: [{ commitmentId: commitmentOf(field, 'percent').id, status: 'done', amount: 120, note: '' }] }),
      (field) => `Tỷ lệ của nội dung «${commitmentOf(field, 'percent').title}» không được quá 100%.`,
    ],
    [
      'a commitment twice',
      (field) => ({ entries: [0, 1].map(() => ({ commitmentId: commitmentOf(field, 'done').id, status: 'done' as const, amount: null, note: '' })) }),
      (field) => `Nội dung «${commitmentOf(field, 'done').title}» được ghi hai lần.`,
    ],
    [
      'a photo twice',
      () => {
        const photo = photoOf(jpeg(400))
        return { photos: [photo, photo] }
      },
      () => 'Một ảnh được đính kèm hai lần.',
    ],
  ])('rejects %s as invalid, saying why in Vietnamese', async (_name, changes, reason) => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const report = reportOf(field, changes(field))
    expect(await pushOne(app, field, report)).toEqual({ outcome: 'rejected', id: report.id, code: 'invalid', reason: reason(field) })
    expect(await storedReport(app, report.id)).toBeUndefined()
  })

  it('accepts a visit dated tomorrow (UTC), for phones ahead of the endpoint’s time zone', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    expectOutcome(await pushOne(app, field, reportOf(field, { visitDate: isoDay(new Date(Date.now() + DAY)) })), 'accepted')
  })

  it('refuses more than 50 reports with a 400 and a body over 1 MB with a 413', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const tooMany = await push(
      app,
      field,
      Array.from({ length: 51 }, () => reportOf(field)),
    )
    expect(tooMany.statusCode).toBe(400)
    expect(tooMany.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining('reports') as string })

    const tooBig = await push(app, field, [reportOf(field, { summary: 'x'.repeat(1024 * 1024) })])
    expect(tooBig.statusCode).toBe(413)
    expect(tooBig.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large', message: expect.any(String) as string })
    expect(await app.db.selectFrom('report').select('id').execute()).toEqual([])
  })

  it('refuses a field the contract does not know with a 400', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    const response = await app.inject({ method: 'POST', url: '/api/push', headers: field.headers, payload: { reports: [{ ...reportOf(field), author: 'x' }] } })
    expect(response.statusCode).toBe(400)
  })

  it('refuses without a device token: 401, and 403 for a dashboard session', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD: 'một mật khẩu dài' })
    const field = await fieldOf(app)
    const none = await app.inject({ method: 'POST', url: '/api/push', payload: { reports: [reportOf(field)] } })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'unauthorized' })
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'một mật khẩu dài' } })
    const session = await push(app, { ...field, headers: { authorization: `Bearer ${login.json<{ token: string }>().token}` } }, [reportOf(field)])
    expect(session.statusCode).toBe(403)
    expect(await app.db.selectFrom('report').select('id').execute()).toEqual([])
  })
})

describe('POST /api/push transactions', () => {
  it('stores nothing of a batch that fails part way', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    // The database refuses the second report, after the first is written in the same transaction.
    await refuseInserts(app.db, 'report', "new.summary = 'boom'")
    const response = await push(app, field, [reportOf(field), reportOf(field, { summary: 'boom' })], { appVersion: '0.2.0', waiting: 2, freeBytes: null })
    expect(response.statusCode).toBe(500)
    expect(await app.db.selectFrom('report').select('id').execute()).toEqual([])
    expect(await app.db.selectFrom('receipt_sequence').selectAll().execute()).toEqual([])
    expect((await app.db.selectFrom('device').select('last_push_at').executeTakeFirstOrThrow()).last_push_at).toBeNull()

    const after = expectOutcome(await pushOne(app, field, reportOf(field)), 'accepted')
    expect(after.receipt.number).toMatch(/-000001$/)
  })

  it('stores 500 reports sent in 10 pushes, each with its own receipt', async () => {
    const app = await buildTestApp()
    const field = await fieldOf(app)
    for (let batch = 0; batch < 10; batch++) {
      const response = await push(
        app,
        field,
        Array.from({ length: 50 }, () => reportOf(field)),
      )
      expect(response.json<PushResponse>().results.every((result) => result.outcome === 'accepted')).toBe(true)
    }
    const rows = await app.db.selectFrom('report').select('receipt_number').orderBy('receipt_number').execute()
    expect(rows).toHaveLength(500)
    expect(rows.at(-1)?.receipt_number).toMatch(/-000500$/)
    expect(new Set(rows.map((row) => row.receipt_number)).size).toBe(500)
    expect(await app.db.selectFrom('report_entry').select('report_id').execute()).toHaveLength(500)
  })
})
