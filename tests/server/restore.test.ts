import { beforeAll, describe, expect, it } from 'vitest'
import type { PullResponse } from '../../src/protocol'
import { enrolledAs } from './helper'
import { photoOf, jpeg, pushOne, reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

// A cadre's phone is reinstalled, or replaced: the member's reports come back with the first pull.
describe('a phone that starts afresh', () => {
  let bloc: TestBloc
  beforeAll(async () => {
    bloc = await testBloc()
  }, 60_000)

  it('gets the member’s reports back in its first, full pull, with receipts and the photos the endpoint holds; a later pull does not repeat them', async () => {
    const { app, own } = bloc
    // A second report whose photo never reached the endpoint.
    const unsentPhoto = photoOf(jpeg(3_000, 'chưa gửi'))
    const second = reportOf(own.field, { photos: [unsentPhoto] })
    expect((await pushOne(app, own.field, second)).outcome).toBe('accepted')

    const newPhone = await enrolledAs(app, 'Lý Thị Dua')
    const first = (await app.inject({ method: 'GET', url: '/api/pull', headers: newPhone })).json<PullResponse>()
    expect(first.full).toBe(true)
    const reports = first.ownReports ?? []
    expect(reports.map((held) => held.report.id).sort()).toEqual([own.report.id, second.id].sort())
    const restored = reports.find((held) => held.report.id === own.report.id)
    expect(restored?.receipt.number).toMatch(/^\d{2}-\d{6}$/)
    expect(restored?.report).toMatchObject({ summary: own.report.summary, entries: own.report.entries, photos: own.report.photos })
    expect(reports.find((held) => held.report.id === second.id)?.report.photos).toEqual([])

    const later = (await app.inject({ method: 'GET', url: `/api/pull?cursor=${first.cursor}`, headers: newPhone })).json<PullResponse>()
    expect(later.ownReports).toBeUndefined()
    // Another member's phone gets none of them.
    const other = (await app.inject({ method: 'GET', url: '/api/pull', headers: bloc.other.field.headers })).json<PullResponse>()
    expect((other.ownReports ?? []).map((held) => held.report.id)).not.toContain(own.report.id)
  })

  it('serves the member’s own photos to the member’s phone, thumbnail or full size; nobody else’s', async () => {
    const { app, own, other } = bloc
    const url = `/api/device/reports/${own.report.id}/photos/${own.photoId}`
    const thumb = await app.inject({ method: 'GET', url: `${url}?size=thumb`, headers: own.field.headers })
    expect(thumb.statusCode).toBe(200)
    expect(thumb.headers['content-type']).toBe('image/jpeg')
    expect((await app.inject({ method: 'GET', url, headers: own.field.headers })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url, headers: other.field.headers })).statusCode).toBe(404)
    expect((await app.inject({ method: 'GET', url, headers: bloc.admin })).statusCode).toBe(403)
  })
})
