import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AuditResponse, CovenantDetail, EvaluationResponse, ExemplarsResponse, ExemplarView } from '../../src/protocol'
import { UPLOADS_PATH } from '../../src/protocol'
import { exemplarMessages } from '../../server/messages'
import { exemplarOf, jpeg, photoOf, pushExemplars, pushOne, reportOf, sha256Of } from './field'
import { testBloc, type TestBloc } from './managers'

/**
 * Exemplary cases (điển hình tiên tiến) put forward from the phones: stored once however often
 * sent, of the device's unit only, refused once their year is closed; their photos arrive by
 * tus like a report's; leads see and edit their unit's, the admin the bloc's and proposes them
 * for commendation; every edit is audited and a closed year's cases no longer change.
 */

let bloc: TestBloc
const year = new Date().getFullYear()
const TUS = { 'tus-resumable': '1.0.0' }

beforeAll(async () => {
  bloc = await testBloc()
  await bloc.app.listen({ port: 0, host: '127.0.0.1' })
}, 60_000)

const base = () => {
  const address = bloc.app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening')
  return `http://127.0.0.1:${address.port}`
}

async function list(headers: { authorization: string }, query = `?year=${year}`): Promise<ExemplarView[]> {
  const response = await bloc.app.inject({ method: 'GET', url: `/api/exemplars${query}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json<ExemplarsResponse>().exemplars
}

/** Send a photo's bytes by tus, as the phone does: create, then one PATCH. */
async function upload(ownerId: string, photo: ReturnType<typeof photoOf>, bytes: Buffer, headers = bloc.own.field.headers): Promise<Response> {
  const metadata = Object.entries({ photoId: photo.id, reportId: ownerId, sha256: photo.sha256, filetype: photo.type })
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',')
  const created = await fetch(`${base()}${UPLOADS_PATH}`, { method: 'POST', headers: { ...headers, ...TUS, 'upload-length': String(bytes.length), 'upload-metadata': metadata } })
  if (created.status !== 201) return created
  const url = new URL(created.headers.get('location') ?? '', base()).href
  return fetch(url, { method: 'PATCH', headers: { ...headers, ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: new Uint8Array(bytes) })
}

describe('an exemplary case pushed from a phone', () => {
  it('is stored once with a receipt number, and asks for the photos it lists, which arrive by tus', async () => {
    const bytes = jpeg(5_000, 'điển hình')
    const photo = photoOf(bytes, { caption: 'Ông Páo bên con đường mới' })
    const exemplar = exemplarOf(bloc.own.field, { photos: [photo] })

    const [first] = await pushExemplars(bloc.app, bloc.own.field, [exemplar])
    expect(first).toMatchObject({ outcome: 'accepted', id: exemplar.id, revision: 1, missingPhotos: [photo.id] })
    const again = await pushExemplars(bloc.app, bloc.own.field, [exemplar, exemplar])
    expect(again.map((answer) => answer.outcome)).toEqual(['duplicate', 'duplicate'])
    expect(again[0]).toMatchObject({ receipt: first && 'receipt' in first ? first.receipt : {} })
    expect(await bloc.app.db.selectFrom('exemplar').select('id').where('id', '=', exemplar.id).execute()).toHaveLength(1)

    expect((await upload(exemplar.id, photo, bytes)).status).toBe(204)
    const [afterUpload] = await pushExemplars(bloc.app, bloc.own.field, [exemplar])
    expect(afterUpload).toMatchObject({ outcome: 'duplicate', missingPhotos: [] })
    const [shown] = (await list(bloc.own.lead)).filter((item) => item.id === exemplar.id)
    expect(shown).toMatchObject({ nominee: 'Giàng A Páo', authorName: 'Lý Thị Dua', photos: [{ id: photo.id, received: true, caption: 'Ông Páo bên con đường mới' }] })

    const served = await bloc.app.inject({ method: 'GET', url: `/api/exemplars/${exemplar.id}/photos/${photo.id}`, headers: bloc.own.lead })
    expect(served.statusCode).toBe(200)
    expect(sha256Of(served.rawPayload)).toBe(photo.sha256)
    const thumb = await bloc.app.inject({ method: 'GET', url: `/api/exemplars/${exemplar.id}/photos/${photo.id}?size=thumb`, headers: bloc.admin })
    expect(thumb.headers['content-type']).toBe('image/jpeg')
  })

  it('answers other content under a held id as a conflict, and keeps what it holds', async () => {
    const exemplar = exemplarOf(bloc.own.field)
    await pushExemplars(bloc.app, bloc.own.field, [exemplar])
    const [changed] = await pushExemplars(bloc.app, bloc.own.field, [{ ...exemplar, story: 'Khác', revision: 2 }])
    expect(changed).toMatchObject({ outcome: 'conflict', revision: 1 })
    expect((await list(bloc.own.lead)).find((item) => item.id === exemplar.id)?.story).toBe(exemplar.story)
  })

  it('refuses another unit’s case, or one held by another unit, without telling that it exists', async () => {
    const [wrong] = await pushExemplars(bloc.app, bloc.own.field, [exemplarOf(bloc.own.field, { unitId: bloc.other.unitId })])
    expect(wrong).toMatchObject({ outcome: 'rejected', code: 'wrong_unit', reason: exemplarMessages.wrongUnit })
    const theirs = exemplarOf(bloc.other.field)
    await pushExemplars(bloc.app, bloc.other.field, [theirs])
    const [taken] = await pushExemplars(bloc.app, bloc.own.field, [{ ...theirs, unitId: bloc.own.unitId }])
    expect(taken).toMatchObject({ outcome: 'rejected', code: 'wrong_unit' })
  })

  it('refuses a photo upload for another unit’s case, and a photo the case does not list', async () => {
    const bytes = jpeg(3_000, 'của đơn vị khác')
    const photo = photoOf(bytes)
    const theirs = exemplarOf(bloc.other.field, { photos: [photo] })
    await pushExemplars(bloc.app, bloc.other.field, [theirs])
    expect((await upload(theirs.id, photo, bytes)).status).toBe(403)
    const unlisted = photoOf(jpeg(3_000, 'không có trong danh sách'))
    expect((await upload(theirs.id, unlisted, jpeg(3_000, 'không có trong danh sách'), bloc.other.field.headers)).status).toBe(409)
  })

  it('is refused for an unknown covenant, and for a photo listed twice, with a reason', async () => {
    const [unknown] = await pushExemplars(bloc.app, bloc.own.field, [exemplarOf(bloc.own.field, { covenantId: randomUUID() })])
    expect(unknown).toMatchObject({ outcome: 'rejected', code: 'covenant_not_active', reason: exemplarMessages.covenantNotActive })
    const photo = photoOf(jpeg(2_000, 'hai lần'))
    const [twice] = await pushExemplars(bloc.app, bloc.own.field, [exemplarOf(bloc.own.field, { photos: [photo, photo] })])
    expect(twice).toMatchObject({ outcome: 'rejected', code: 'invalid', reason: exemplarMessages.photosDuplicate })
  })

  it('is a 400 when malformed: no name, or a story too long', async () => {
    for (const changes of [{ nominee: '' }, { story: 'x'.repeat(5001) }, { kind: 'family' as 'individual' }]) {
      const response = await bloc.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: bloc.own.field.headers,
        payload: { reports: [], exemplars: [exemplarOf(bloc.own.field, changes)] },
      })
      expect(response.statusCode, JSON.stringify(changes)).toBe(400)
    }
  })

  it('goes with reports in one push, each answered in its own list', async () => {
    const report = reportOf(bloc.own.field)
    const exemplar = exemplarOf(bloc.own.field)
    const response = await bloc.app.inject({ method: 'POST', url: '/api/push', headers: bloc.own.field.headers, payload: { reports: [report], exemplars: [exemplar] } })
    expect(response.json()).toMatchObject({ results: [{ id: report.id, outcome: 'accepted' }], exemplars: [{ id: exemplar.id, outcome: 'accepted' }] })
    // A phone of before exemplary cases existed pushes reports alone, and is answered as before.
    expect((await pushOne(bloc.app, bloc.own.field, reportOf(bloc.own.field))).outcome).toBe('accepted')
  })
})

describe('exemplary cases on the dashboard', () => {
  it('shows a lead their own unit’s and the admin the bloc’s; a lead asking for another unit is refused', async () => {
    const ours = exemplarOf(bloc.own.field, { nominee: 'Tổ hòa giải thôn Cán Cấu', kind: 'collective' })
    const theirs = exemplarOf(bloc.other.field, { nominee: 'Vàng Seo Sình' })
    await pushExemplars(bloc.app, bloc.own.field, [ours])
    await pushExemplars(bloc.app, bloc.other.field, [theirs])
    const lead = (await list(bloc.own.lead)).map((item) => item.id)
    expect(lead).toContain(ours.id)
    expect(lead).not.toContain(theirs.id)
    expect((await list(bloc.admin)).map((item) => item.id)).toEqual(expect.arrayContaining([ours.id, theirs.id]))
    const refused = await bloc.app.inject({ method: 'GET', url: `/api/exemplars?year=${year}&unitId=${bloc.other.unitId}`, headers: bloc.own.lead })
    expect(refused.statusCode).toBe(403)
    const edit = await bloc.app.inject({
      method: 'PUT',
      url: `/api/exemplars/${theirs.id}`,
      headers: bloc.own.lead,
      payload: { kind: 'individual', nominee: 'X', role: '', story: 'Y' },
    })
    expect(edit.statusCode).toBe(404)
    const photo = await bloc.app.inject({ method: 'GET', url: `/api/exemplars/${theirs.id}/photos/${randomUUID()}`, headers: bloc.own.lead })
    expect(photo.statusCode).toBe(404)
  })

  it('is edited by the unit’s lead with who and when, audited with before and after', async () => {
    const exemplar = exemplarOf(bloc.own.field)
    await pushExemplars(bloc.app, bloc.own.field, [exemplar])
    const response = await bloc.app.inject({
      method: 'PUT',
      url: `/api/exemplars/${exemplar.id}`,
      headers: bloc.own.lead,
      payload: { kind: 'individual', nominee: 'Giàng A Páo', role: 'Trưởng thôn Lũng Pù, xã Sơn Vĩ', story: exemplar.story },
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json<ExemplarView>()).toMatchObject({ role: 'Trưởng thôn Lũng Pù, xã Sơn Vĩ', editedByName: 'Phạm Thị Lan' })
    const { entries } = (await bloc.app.inject({ method: 'GET', url: '/api/audit', headers: bloc.admin })).json<AuditResponse>()
    expect(entries[0]).toMatchObject({ action: 'exemplar.edit', details: { roleBefore: 'Trưởng thôn Lũng Pù', role: 'Trưởng thôn Lũng Pù, xã Sơn Vĩ' } })
    const blank = await bloc.app.inject({
      method: 'PUT',
      url: `/api/exemplars/${exemplar.id}`,
      headers: bloc.own.lead,
      payload: { kind: 'individual', nominee: '  ', role: '', story: 'Y' },
    })
    expect(blank.statusCode).toBe(400)
  })

  it('becomes a proposal for the year’s award, which names it; once the year is closed nothing about it changes', async () => {
    // Last year's covenant, signed and then evaluated, with a case put forward while it was followed.
    const created = (
      await bloc.app.inject({ method: 'POST', url: '/api/covenants', headers: bloc.admin, payload: { year: year - 3, slogan: 'Năm cũ', copyFrom: bloc.own.field.covenant.id } })
    ).json<CovenantDetail>()
    const covenantId = created.covenant.id
    const move = async (status: string) =>
      expect((await bloc.app.inject({ method: 'POST', url: `/api/covenants/${covenantId}/status`, headers: bloc.admin, payload: { status } })).statusCode).toBe(200)
    await move('signed')
    await move('evaluating')
    const exemplar = exemplarOf(bloc.own.field, { covenantId })
    expect((await pushExemplars(bloc.app, bloc.own.field, [exemplar]))[0]).toMatchObject({ outcome: 'accepted' })

    const proposal = {
      award: 'Bằng khen',
      unitId: null,
      nominee: 'Giàng A Páo',
      achievements: exemplar.story,
      evidence: { reportIds: [], photoIds: [] },
      status: 'approved',
      exemplarId: exemplar.id,
    }
    const saved = await bloc.app.inject({ method: 'POST', url: `/api/covenants/${covenantId}/evaluation/proposals`, headers: bloc.admin, payload: proposal })
    expect(saved.statusCode, saved.body).toBe(200)
    const proposals = saved.json<EvaluationResponse>().proposals
    expect(proposals).toEqual([expect.objectContaining({ nominee: 'Giàng A Páo', exemplarId: exemplar.id, status: 'approved' })])
    expect((await list(bloc.admin, `?year=${year - 3}`)).find((item) => item.id === exemplar.id)?.proposalIds).toEqual([proposals[0]?.id])
    const unknown = await bloc.app.inject({
      method: 'POST',
      url: `/api/covenants/${covenantId}/evaluation/proposals`,
      headers: bloc.admin,
      payload: { ...proposal, exemplarId: randomUUID() },
    })
    expect(unknown.statusCode).toBe(404)

    await move('closed')
    const later = exemplarOf(bloc.own.field, { covenantId })
    expect((await pushExemplars(bloc.app, bloc.own.field, [later]))[0]).toMatchObject({
      outcome: 'rejected',
      code: 'covenant_not_active',
      reason: exemplarMessages.covenantClosed(year - 3),
    })
    // The case already held is still answered as held: a phone that lost the answer hears "duplicate".
    expect((await pushExemplars(bloc.app, bloc.own.field, [exemplar]))[0]).toMatchObject({ outcome: 'duplicate' })
    const edit = await bloc.app.inject({
      method: 'PUT',
      url: `/api/exemplars/${exemplar.id}`,
      headers: bloc.admin,
      payload: { kind: 'individual', nominee: 'Khác', role: '', story: 'Khác' },
    })
    expect(edit.statusCode).toBe(409)
    expect(edit.json()).toMatchObject({ code: 'year_closed' })
  })
})
