import { beforeAll, describe, expect, it } from 'vitest'
import type { PushResult, ReportDetail } from '../../src/protocol'
import { isoDay, jpeg, photoOf, pushOne, reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

const DAY = 24 * 60 * 60 * 1000

describe('photos that prove themselves', () => {
  let bloc: TestBloc
  beforeAll(async () => {
    bloc = await testBloc()
  }, 60_000)

  const detail = async (reportId: string) => (await bloc.app.inject({ method: 'GET', url: `/api/reports/${reportId}`, headers: bloc.admin })).json<ReportDetail>()

  it('keeps the camera’s time and place and flags, never refuses: taken long before the visit, far away, the same photo elsewhere, a near-duplicate', async () => {
    const { app, own } = bloc
    const visitDate = isoDay(new Date())
    const location = { latitude: 23.1, longitude: 105.2, accuracy: 10, takenAt: new Date().toISOString() }
    const bytes = jpeg(5_000, 'chụp từ trước')
    const old = new Date(Date.now() - 10 * DAY).toISOString()
    const evidence = { capturedAt: old, capturedLatitude: 23.15, capturedLongitude: 105.2, fingerprint: '0f0f0f0f0f0f0f0f' }
    const first = reportOf(own.field, { visitDate, location, photos: [photoOf(bytes, evidence)] })
    const second = reportOf(own.field, { visitDate, location, photos: [photoOf(bytes, { capturedAt: null, capturedLatitude: null, capturedLongitude: null })] })
    const similar = reportOf(own.field, { visitDate, location, photos: [photoOf(jpeg(5_000, 'gần giống'), { fingerprint: '0f0f0f0f0f0f0f0c' })] })
    const answers: PushResult[] = []
    for (const report of [first, second, similar]) answers.push(await pushOne(app, own.field, report))
    expect(answers.map((answer) => answer.outcome)).toEqual(['accepted', 'accepted', 'accepted'])
    const receipt = (index: number) => (answers[index]?.outcome === 'accepted' ? answers[index].receipt.number : '')

    const [photo] = (await detail(first.id)).photos
    expect(photo).toMatchObject({ capturedAt: old, capturedLatitude: 23.15, capturedLongitude: 105.2 })
    expect(photo?.flags.daysBefore).toBeGreaterThanOrEqual(9)
    expect(photo?.flags.metresAway).toBeGreaterThan(5_000)
    expect(photo?.flags.same).toEqual([{ reportId: second.id, receiptNumber: receipt(1) }])
    expect(photo?.flags.similar).toEqual([{ reportId: similar.id, receiptNumber: receipt(2) }])

    const [again] = (await detail(second.id)).photos
    expect(again).toMatchObject({ capturedAt: null, flags: { daysBefore: null, metresAway: null, same: [{ reportId: first.id, receiptNumber: receipt(0) }] } })
    // Another unit's photos are not compared by fingerprint.
    expect((await detail(bloc.other.report.id)).photos[0]?.flags.similar).toEqual([])
  })

  it('takes a phone of before the camera’s fields, with none of them', async () => {
    const { app, own } = bloc
    const { capturedAt, capturedLatitude, capturedLongitude, fingerprint, ...plain } = photoOf(jpeg(5_000, 'máy cũ'))
    void [capturedAt, capturedLatitude, capturedLongitude, fingerprint]
    const report = reportOf(own.field, { photos: [plain] })
    expect((await pushOne(app, own.field, report)).outcome).toBe('accepted')
    expect((await detail(report.id)).photos[0]).toMatchObject({ capturedAt: null, flags: { daysBefore: null, metresAway: null, same: [], similar: [] } })
  })
})
