import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { InjectOptions } from 'fastify'
import { DEFAULT_EVALUATION_RULES } from '../../src/domain'
import type { CovenantDetail, SetupResponse } from '../../src/protocol'
import { enrolledAs } from './helper'
import { exemplarOf, jpeg, photoOf, pushExemplars, pushOne, reportOf } from './field'
import { receivePhoto, testBloc, type TestBloc, type TestUnit } from './managers'

/**
 * The role matrix: for every dashboard route, the admin is allowed; a unit's lead is allowed on
 * their unit and refused on another unit (or refused outright where only the admin may act); a
 * member of another bloc (its admin, its lead) is refused whatever they ask of this bloc; the
 * province's office is refused on every bloc route (it has its own); a device token is refused.
 * One bloc serves every case: each request makes what it changes.
 */

type Request = Omit<InjectOptions, 'headers'> & { method: NonNullable<InjectOptions['method']>; url: string }
/** A request about `unit` (the lead's own or another), made ready with the admin's help where it needs data. */
type Build = (bloc: TestBloc, unit: TestUnit) => Promise<Request> | Request

let bloc: TestBloc
let setup: SetupResponse
let covenant: CovenantDetail
let nextYear = 2040

beforeAll(async () => {
  bloc = await testBloc()
  setup = (await bloc.app.inject({ method: 'GET', url: '/api/setup', headers: bloc.admin })).json<SetupResponse>()
  const active = setup.covenants.find((item) => item.status === 'signed')
  covenant = (await bloc.app.inject({ method: 'GET', url: `/api/covenants/${active?.id ?? ''}`, headers: bloc.admin })).json<CovenantDetail>()
  for (const unit of [bloc.own, bloc.other]) await sendRemovable(unit)
}, 60_000)

async function asAdmin<T>(request: Request): Promise<T> {
  const response = await bloc.app.inject({ ...request, headers: bloc.admin })
  if (response.statusCode >= 300) throw new Error(`${request.method} ${request.url}: ${response.statusCode} ${response.body}`)
  return response.json<T>()
}

const commitmentBody = { group: 'Nhóm thử', title: 'Nội dung thử', description: '', measure: 'count', target: 5, unitLabel: 'lượt', maxPoints: 1, scope: 'unit' } as const

/** A draft covenant of its own year, with one commitment. */
async function draftCovenant(): Promise<CovenantDetail> {
  return asAdmin<CovenantDetail>({ method: 'POST', url: '/api/covenants', payload: { year: nextYear++, slogan: 'Thử', copyFrom: covenant.covenant.id } })
}

/** A covenant of its own year being evaluated, and the address of its evaluation: a new one where a route changes its state, else one shared. */
let shared: Promise<string> | undefined
const sharedEvaluation = () => (shared ??= evaluation())
async function evaluation(): Promise<string> {
  const { covenant: created } = await draftCovenant()
  for (const status of ['signed', 'evaluating']) await asAdmin({ method: 'POST', url: `/api/covenants/${created.id}/status`, payload: { status } })
  return `/api/covenants/${created.id}/evaluation`
}
const sheet = () => ({ scores: [], items: [{ kind: 'bonus', title: 'Sáng kiến', points: 1, reason: '', evidence: { reportIds: [], photoIds: [] } }] })

async function cadreOf(unit: TestUnit): Promise<string> {
  const member = await bloc.app.db.selectFrom('member').select('id').where('unit_id', '=', unit.unitId).where('role', '=', 'cadre').executeTakeFirstOrThrow()
  return member.id
}

/** An exemplary case put forward from the unit's phone, with a photo the endpoint holds: one per unit, made while the phones' year is followed. */
const exemplars = new Map<string, Promise<{ id: string; photoId: string }>>()
const exemplarIn = (unit: TestUnit) => exemplars.get(unit.unitId) ?? exemplars.set(unit.unitId, newExemplar(unit)).get(unit.unitId) ?? expect.fail('no case')
async function newExemplar(unit: TestUnit): Promise<{ id: string; photoId: string }> {
  const bytes = jpeg(3_000, `điển hình ${randomUUID()}`)
  const photo = photoOf(bytes)
  const exemplar = exemplarOf(unit.field, { photos: [photo] })
  expect((await pushExemplars(bloc.app, unit.field, [exemplar]))[0]?.outcome).toBe('accepted')
  await receivePhoto(bloc.app, bloc.dataDir, bytes)
  return { id: exemplar.id, photoId: photo.id }
}

/**
 * Reports of each unit with one photo, for the removals to take away one each: sent before the
 * other routes change the year the phones follow.
 */
const removable = new Map<string, { id: string; photoId: string }[]>()
async function sendRemovable(unit: TestUnit): Promise<void> {
  const reports = Array.from({ length: 12 }, () => reportOf(unit.field, { photos: [photoOf(jpeg(3_000, `gỡ ${randomUUID()}`))] }))
  for (const report of reports) expect(await pushOne(bloc.app, unit.field, report)).toMatchObject({ outcome: 'accepted' })
  removable.set(
    unit.unitId,
    reports.map((report) => ({ id: report.id, photoId: report.photos[0]?.id ?? '' })),
  )
}
const newReport = (unit: TestUnit) => removable.get(unit.unitId)?.shift() ?? expect.fail('no report left to remove')

/** Routes a unit's lead may use on their own unit. */
const unitRoutes: Record<string, Build> = {
  'GET /api/members': (_, unit) => ({ method: 'GET', url: `/api/members?unitId=${unit.unitId}` }),
  'POST /api/members': (_, unit) => ({
    method: 'POST',
    url: '/api/members',
    payload: { unitId: unit.unitId, name: `Cán bộ ${randomUUID().slice(0, 6)}`, title: 'Chuyên viên', role: 'cadre' },
  }),
  'PUT /api/members/:memberId': async (_, unit) => ({
    method: 'PUT',
    url: `/api/members/${await cadreOf(unit)}`,
    payload: { unitId: unit.unitId, name: `Cán bộ đổi tên ${randomUUID().slice(0, 6)}`, title: 'Chuyên viên', role: 'cadre' },
  }),
  'POST /api/enrollment-codes': async (_, unit) => ({ method: 'POST', url: '/api/enrollment-codes', payload: { memberId: await cadreOf(unit) } }),
  'POST /api/members/:memberId/enrollment-codes/revoke': async (_, unit) => ({ method: 'POST', url: `/api/members/${await cadreOf(unit)}/enrollment-codes/revoke` }),
  'POST /api/devices/:deviceId/revoke': async ({ app }, unit) => {
    const cadre = await app.db
      .selectFrom('member')
      .select('name')
      .where('id', '=', await cadreOf(unit))
      .executeTakeFirstOrThrow()
    await enrolledAs(app, cadre.name)
    const device = await app.db
      .selectFrom('device')
      .innerJoin('member', 'member.id', 'device.member_id')
      .select('device.id')
      .where('member.name', '=', cadre.name)
      .where('device.revoked_at', 'is', null)
      .orderBy('device.enrolled_at', 'desc')
      .executeTakeFirstOrThrow()
    return { method: 'POST', url: `/api/devices/${device.id}/revoke` }
  },
  'GET /api/progress': (_, unit) => ({ method: 'GET', url: `/api/progress?unitId=${unit.unitId}` }),
  'GET /api/communes/:communeId/overview': (_, unit) => ({ method: 'GET', url: `/api/communes/${unit.report.communeId}/overview` }),
  'GET /api/reports': (_, unit) => ({ method: 'GET', url: `/api/reports?unitId=${unit.unitId}` }),
  'GET /api/reports/:reportId': (_, unit) => ({ method: 'GET', url: `/api/reports/${unit.report.id}` }),
  'GET /api/reports/:reportId/photos/:photoId': (_, unit) => ({ method: 'GET', url: `/api/reports/${unit.report.id}/photos/${unit.photoId}` }),
  'GET /api/reports/:reportId/photos/:photoId?size=thumb': (_, unit) => ({ method: 'GET', url: `/api/reports/${unit.report.id}/photos/${unit.photoId}?size=thumb` }),
  'POST /api/reports/:reportId/reviews': (_, unit) => ({
    method: 'POST',
    url: `/api/reports/${unit.report.id}/reviews`,
    payload: { status: 'accepted', comment: '', revision: 1 },
  }),
  'GET /api/gallery': (_, unit) => ({ method: 'GET', url: `/api/gallery?unitId=${unit.unitId}` }),
  'GET /api/export/reports.csv': (_, unit) => ({ method: 'GET', url: `/api/export/reports.csv?unitId=${unit.unitId}` }),
  'GET /api/export/covenant.xlsx': (_, unit) => ({ method: 'GET', url: `/api/export/covenant.xlsx?unitId=${unit.unitId}` }),
  'GET /api/exemplars': (_, unit) => ({ method: 'GET', url: `/api/exemplars?unitId=${unit.unitId}` }),
  'PUT /api/exemplars/:exemplarId': async (_, unit) => ({
    method: 'PUT',
    url: `/api/exemplars/${(await exemplarIn(unit)).id}`,
    payload: { kind: 'collective', nominee: 'Tổ hòa giải thôn', role: '', story: 'Hòa giải thành 6 vụ việc.' },
  }),
  'GET /api/exemplars/:exemplarId/photos/:photoId': async (_, unit) => {
    const { id, photoId } = await exemplarIn(unit)
    return { method: 'GET', url: `/api/exemplars/${id}/photos/${photoId}?size=thumb` }
  },
}

/** Routes for the unit's own lead alone: the admin is refused too, since a self-assessment is the unit's. */
const selfRoutes: Record<string, Build> = {
  'PUT /api/covenants/:covenantId/evaluation/units/:unitId/self': async (_, unit) => ({
    method: 'PUT',
    url: `${await sharedEvaluation()}/units/${unit.unitId}/self`,
    payload: sheet(),
  }),
  'POST /api/covenants/:covenantId/evaluation/units/:unitId/self/submit': async (_, unit) => ({ method: 'POST', url: `${await evaluation()}/units/${unit.unitId}/self/submit` }),
}

/** Routes every lead may read, whatever the unit. */
const readRoutes: Record<string, Build> = {
  'GET /api/setup': () => ({ method: 'GET', url: '/api/setup' }),
  'GET /api/assignments/:year': () => ({ method: 'GET', url: `/api/assignments/${covenant.covenant.year}` }),
  'GET /api/covenants/:covenantId': () => ({ method: 'GET', url: `/api/covenants/${covenant.covenant.id}` }),
  'GET /api/audit': () => ({ method: 'GET', url: '/api/audit' }),
  'GET /api/covenants/:covenantId/evaluation': async () => ({ method: 'GET', url: await sharedEvaluation() }),
  'GET /api/covenants/:covenantId/evaluation/scores.xlsx': async () => ({ method: 'GET', url: `${await sharedEvaluation()}/scores.xlsx` }),
}

/** Routes only the admin may use. */
const adminRoutes: Record<string, Build> = {
  'PUT /api/bloc': () => ({
    method: 'PUT',
    url: '/api/bloc',
    payload: { name: setup.bloc.name, province: setup.bloc.province, headUnitId: setup.bloc.headUnitId, deputyUnitId: setup.bloc.deputyUnitId },
  }),
  'POST /api/units': () => ({ method: 'POST', url: '/api/units', payload: { name: `Đơn vị ${randomUUID().slice(0, 8)}`, shortName: 'Thử' } }),
  'PUT /api/units/:unitId': (_, unit) => {
    const found = setup.units.find((item) => item.id === unit.unitId)
    return { method: 'PUT', url: `/api/units/${unit.unitId}`, payload: { name: found?.name ?? '', shortName: found?.shortName ?? '' } }
  },
  'POST /api/communes': () => ({ method: 'POST', url: '/api/communes', payload: { name: `Xã ${randomUUID().slice(0, 8)}`, district: 'Đồng Văn', province: 'Hà Giang' } }),
  'PUT /api/communes/:communeId': (_, unit) => {
    const found = setup.communes.find((item) => item.id === unit.report.communeId)
    return { method: 'PUT', url: `/api/communes/${unit.report.communeId}`, payload: { name: found?.name ?? '', district: found?.district ?? '', province: found?.province ?? '' } }
  },
  'PUT /api/assignments/:year': async () => {
    const { assignments } = await asAdmin<{ assignments: { unitId: string; communeId: string }[] }>({ method: 'GET', url: `/api/assignments/${covenant.covenant.year}` })
    return { method: 'PUT', url: `/api/assignments/${covenant.covenant.year}`, payload: { assignments: assignments.map(({ unitId, communeId }) => ({ unitId, communeId })) } }
  },
  'POST /api/covenants': () => ({ method: 'POST', url: '/api/covenants', payload: { year: nextYear++, slogan: 'Năm thử' } }),
  'PUT /api/covenants/:covenantId': async () => ({ method: 'PUT', url: `/api/covenants/${(await draftCovenant()).covenant.id}`, payload: { slogan: 'Khẩu hiệu mới' } }),
  'POST /api/covenants/:covenantId/status': async () => ({ method: 'POST', url: `/api/covenants/${(await draftCovenant()).covenant.id}/status`, payload: { status: 'signed' } }),
  'POST /api/covenants/:covenantId/commitments': async () => ({
    method: 'POST',
    url: `/api/covenants/${(await draftCovenant()).covenant.id}/commitments`,
    payload: commitmentBody,
  }),
  'PUT /api/commitments/:commitmentId': async () => ({ method: 'PUT', url: `/api/commitments/${(await draftCovenant()).commitments[0]?.id ?? ''}`, payload: commitmentBody }),
  'DELETE /api/commitments/:commitmentId': async () => ({ method: 'DELETE', url: `/api/commitments/${(await draftCovenant()).commitments[0]?.id ?? ''}` }),
  'POST /api/commitments/:commitmentId/retire': () => ({ method: 'POST', url: `/api/commitments/${covenant.commitments[0]?.id ?? ''}/retire`, payload: { retired: false } }),
  'PUT /api/covenants/:covenantId/evaluation/rules': async () => ({ method: 'PUT', url: `${await sharedEvaluation()}/rules`, payload: DEFAULT_EVALUATION_RULES }),
  'POST /api/covenants/:covenantId/evaluation/units/:unitId/self/return': async (_, unit) => {
    const url = await evaluation()
    const submitted = await bloc.app.inject({ method: 'POST', url: `${url}/units/${unit.unitId}/self/submit`, headers: unit.lead })
    expect(submitted.statusCode, submitted.body).toBe(200)
    return { method: 'POST', url: `${url}/units/${unit.unitId}/self/return`, payload: { comment: 'Bổ sung' } }
  },
  'PUT /api/covenants/:covenantId/evaluation/units/:unitId/bloc (the admin scores alone)': async (_, unit) => ({
    method: 'PUT',
    url: `${await sharedEvaluation()}/units/${unit.unitId}/bloc`,
    payload: sheet(),
  }),
  'PUT /api/covenants/:covenantId/evaluation/votes': async (_, unit) => ({
    method: 'PUT',
    url: `${await sharedEvaluation()}/votes`,
    payload: { votes: [{ unitId: unit.unitId, votes: 3 }] },
  }),
  'POST /api/covenants/:covenantId/evaluation/proposals': async (_, unit) => ({
    method: 'POST',
    url: `${await sharedEvaluation()}/proposals`,
    payload: { award: 'Bằng khen', unitId: unit.unitId, nominee: '', achievements: 'Hoàn thành xuất sắc', evidence: { reportIds: [], photoIds: [] }, status: 'proposed' },
  }),
  'POST /api/covenants/:covenantId/evaluation/publish': async () => ({ method: 'POST', url: `${await sharedEvaluation()}/publish` }),
  'POST /api/reports/:reportId/removal': (_, unit) => ({ method: 'POST', url: `/api/reports/${newReport(unit).id}/removal`, payload: { reason: 'Thử' } }),
  'POST /api/reports/:reportId/photos/:photoId/removal': (_, unit) => {
    const { id, photoId } = newReport(unit)
    return { method: 'POST', url: `/api/reports/${id}/photos/${photoId}/removal`, payload: { reason: 'Thử' } }
  },
}

async function statusOf(build: Build, unit: TestUnit, headers: { authorization: string }): Promise<number> {
  const response = await bloc.app.inject({ ...(await build(bloc, unit)), headers })
  return response.statusCode
}

const ok = (status: number) => status >= 200 && status < 300

/**
 * Routes that name nothing of a bloc (its setup, its log, a new unit, commune or covenant): another
 * bloc's manager is answered there about their own bloc, and nothing of this one.
 */
const ownBlocRoutes = new Set(['GET /api/setup', 'GET /api/assignments/:year', 'GET /api/audit', 'POST /api/units', 'POST /api/communes', 'POST /api/covenants'])

/** Another bloc's admin and lead, asking for this bloc's things: refused (the admin with 404, as though they did not exist; the lead 403 or 404), or answered only about their own bloc. */
async function expectOtherBlocRefused(name: string, build: Build, adminMay = true): Promise<void> {
  // One request for all of them: refused, it changes nothing, and may be sent again.
  const request = await build(bloc, bloc.own)
  for (const headers of [bloc.otherBloc.admin, bloc.otherBloc.lead]) {
    const response = await bloc.app.inject({ ...request, headers })
    if (!ownBlocRoutes.has(name) || !ok(response.statusCode)) {
      // Where an admin may act, what refuses another bloc's is the bloc's boundary, which answers as though nothing were there.
      expect(headers === bloc.otherBloc.admin && adminMay ? [404] : [403, 404], `${name}: ${response.body}`).toContain(response.statusCode)
      continue
    }
    for (const id of [bloc.own.unitId, bloc.other.unitId, bloc.own.report.communeId, covenant.covenant.id]) expect(response.body).not.toContain(id)
  }
  // The province's office reads through its own routes; a bloc's are not its.
  expect((await bloc.app.inject({ ...request, headers: bloc.province })).statusCode).toBe(403)
}

describe.each(Object.entries(unitRoutes))('%s', (name, build) => {
  it('the admin may, for any unit', async () => {
    expect(ok(await statusOf(build, bloc.own, bloc.admin))).toBe(true)
    expect(ok(await statusOf(build, bloc.other, bloc.admin))).toBe(true)
  })
  it('a lead may for their own unit, and is refused for another', async () => {
    expect(ok(await statusOf(build, bloc.own, bloc.own.lead))).toBe(true)
    expect([403, 404]).toContain(await statusOf(build, bloc.other, bloc.own.lead))
  })
  it('a device token is refused', async () => {
    expect(await statusOf(build, bloc.own, bloc.own.field.headers)).toBe(403)
  })
  it('a member of another bloc is refused; the province’s office too', async () => {
    await expectOtherBlocRefused(name, build)
  })
})

describe.each(Object.entries(selfRoutes))('%s', (name, build) => {
  it('only the unit’s own lead may: not another lead, not the admin, not a device, no one of another bloc', async () => {
    expect(ok(await statusOf(build, bloc.own, bloc.own.lead))).toBe(true)
    expect(await statusOf(build, bloc.other, bloc.own.lead)).toBe(403)
    expect(await statusOf(build, bloc.own, bloc.admin)).toBe(403)
    expect(await statusOf(build, bloc.own, bloc.own.field.headers)).toBe(403)
    await expectOtherBlocRefused(name, build, false)
  })
})

describe.each(Object.entries(readRoutes))('%s', (name, build) => {
  it('the admin and every lead may read it; a device may not, nor anyone of another bloc', async () => {
    expect(ok(await statusOf(build, bloc.own, bloc.admin))).toBe(true)
    expect(ok(await statusOf(build, bloc.own, bloc.own.lead))).toBe(true)
    expect(ok(await statusOf(build, bloc.other, bloc.other.lead))).toBe(true)
    expect(await statusOf(build, bloc.own, bloc.own.field.headers)).toBe(403)
    await expectOtherBlocRefused(name, build)
  })
})

describe.each(Object.entries(adminRoutes))('%s', (name, build) => {
  it('only the admin may, not another bloc’s', async () => {
    expect(ok(await statusOf(build, bloc.own, bloc.admin))).toBe(true)
    expect(await statusOf(build, bloc.own, bloc.own.lead)).toBe(403)
    expect(await statusOf(build, bloc.other, bloc.own.lead)).toBe(403)
    expect(await statusOf(build, bloc.own, bloc.own.field.headers)).toBe(403)
    await expectOtherBlocRefused(name, build)
  })
})

it('without a token every dashboard route answers 401', async () => {
  for (const build of [...Object.values(unitRoutes), ...Object.values(selfRoutes), ...Object.values(readRoutes), ...Object.values(adminRoutes)]) {
    expect(await statusOf(build, bloc.own, { authorization: '' })).toBe(401)
  }
})
