import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import readExcelFile from 'read-excel-file/node'
import type {
  AssignmentsResponse,
  AuditResponse,
  Commune,
  CreateBlocResponse,
  LoginResponse,
  ProvinceResponse,
  PullResponse,
  SetupResponse,
  SharedCommunesResponse,
} from '../../src/protocol'
import { firstBlocOf } from './helper'
import { ADMIN_PASSWORD, logIn, testBloc, type TestBloc } from './managers'

/**
 * Many blocs on one endpoint: each bloc sees nothing of another, a commune may be listed by
 * two blocs, and the province's emulation office reads every bloc and creates new ones.
 */

type Headers = { authorization: string }
let bloc: TestBloc
const year = new Date().getFullYear()

async function send<T>(headers: Headers, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, status = 200): Promise<T> {
  const response = await bloc.app.inject({ method, url, headers, ...(payload && { payload }) })
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status)
  return response.json<T>()
}
const overview = () => send<ProvinceResponse>(bloc.province, 'GET', `/api/province?year=${year}`)
const blocNamed = (answer: ProvinceResponse, name: string) => answer.blocs.find((item) => item.bloc.name.includes(name)) ?? expect.fail(`no bloc ${name}`)

beforeAll(async () => {
  bloc = await testBloc()
}, 60_000)

describe('the province’s office', () => {
  it('signs in with no unit, and out', async () => {
    const response = await bloc.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'thiduatinh', password: 'mật khẩu lãnh đạo thử' } })
    expect(response.statusCode).toBe(200)
    expect(response.json<LoginResponse>()).toMatchObject({ member: { role: 'province', unitId: null, name: 'Ban Thi đua – Khen thưởng tỉnh' }, unit: null })
    // and signs out: the session ends.
    const headers = { authorization: `Bearer ${response.json<LoginResponse>().token}` }
    expect((await bloc.app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204)
    expect((await bloc.app.inject({ method: 'GET', url: '/api/province', headers })).statusCode).toBe(401)
  })

  it('reads every bloc’s year: units, reports and commitments met; no results before a bloc publishes them', async () => {
    const answer = await overview()
    expect(answer.year).toBe(year)
    expect(answer.blocs).toHaveLength(2)
    const parties = blocNamed(answer, 'ban xây dựng Đảng')
    const front = blocNamed(answer, 'Mặt trận')
    expect(parties.units).toHaveLength(6)
    expect(front.units).toHaveLength(3)
    expect(parties.admins).toEqual(['admin'])
    expect(front.admins).toEqual(['admin.mattran'])
    expect(parties.covenant).toMatchObject({ year, status: 'signed' })
    expect(parties.commitments).toBeGreaterThan(0)
    const own = parties.units.find((row) => row.unit.id === bloc.own.unitId) ?? expect.fail('own unit')
    expect(own.reports).toBeGreaterThan(0)
    expect(parties.units.every((row) => row.total === null && row.rank === null)).toBe(true)
    expect(parties.proposals).toEqual([])
  })

  it('sees a bloc’s results and proposals once the bloc publishes them', async () => {
    const covenantId = bloc.own.field.covenant.id
    const url = `/api/covenants/${covenantId}/evaluation`
    await send(bloc.admin, 'POST', `/api/covenants/${covenantId}/status`, { status: 'evaluating' })
    await send(bloc.admin, 'POST', `${url}/proposals`, {
      award: 'Bằng khen',
      unitId: bloc.own.unitId,
      nominee: '',
      achievements: 'Hoàn thành xuất sắc nhiệm vụ năm',
      evidence: { reportIds: [], photoIds: [] },
      status: 'proposed',
    })
    expect(blocNamed(await overview(), 'ban xây dựng Đảng').proposals).toEqual([])

    await send(bloc.admin, 'POST', `${url}/publish`)
    const parties = blocNamed(await overview(), 'ban xây dựng Đảng')
    expect(parties.publishedAt).not.toBeNull()
    expect(parties.units.every((row) => row.total !== null && row.rank !== null)).toBe(true)
    expect(parties.proposals).toMatchObject([{ award: 'Bằng khen', unitId: bloc.own.unitId, unitName: 'Ban Dân vận Tỉnh ủy' }])
    // The other bloc has published nothing.
    expect(blocNamed(await overview(), 'Mặt trận').units.every((row) => row.total === null)).toBe(true)
  })

  it('exports every bloc’s year in one workbook, and the export is audited', async () => {
    const response = await bloc.app.inject({ method: 'GET', url: `/api/province/export.xlsx?year=${year}`, headers: bloc.province })
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-disposition']).toBe(`attachment; filename="giao-uoc-${year}-toan-tinh.xlsx"`)
    const [units, proposals] = await readExcelFile(response.rawPayload)
    expect(units?.sheet).toBe('Các khối thi đua')
    const rows = (units?.data ?? []) as unknown[][]
    expect(rows[0]).toContain('Khối thi đua')
    expect(rows.slice(1)).toHaveLength(9)
    expect(new Set(rows.slice(1).map((row) => row[0])).size).toBe(2)
    expect(((proposals?.data ?? []) as unknown[][]).slice(1)).toHaveLength(1)
    const entry = await bloc.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'export').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(entry.bloc_id).toBeNull()
  })

  it('creates a bloc with its head unit and first admin, who signs in and runs a bloc of their own', async () => {
    const created = await send<CreateBlocResponse>(
      bloc.province,
      'POST',
      '/api/province/blocs',
      {
        name: 'Khối thi đua các sở, ngành kinh tế',
        province: 'Hà Giang',
        headUnit: { name: 'Sở Kế hoạch và Đầu tư', shortName: 'Sở KH&ĐT' },
        admin: { name: 'Thường trực khối kinh tế', username: 'Admin.KinhTe', password: ADMIN_PASSWORD },
      },
      201,
    )
    expect(created.adminUsername).toBe('admin.kinhte')
    const admin = await logIn(bloc.app, 'admin.kinhte', ADMIN_PASSWORD)
    const setup = await send<SetupResponse>(admin, 'GET', '/api/setup')
    expect(setup.bloc).toMatchObject({ id: created.bloc.id, name: 'Khối thi đua các sở, ngành kinh tế', headUnitId: setup.units[0]?.id })
    expect(setup.units.map((unit) => unit.name)).toEqual(['Sở Kế hoạch và Đầu tư'])
    expect(setup).toMatchObject({ communes: [], covenants: [], demo: null })
    // In the new bloc's log, by the province's office.
    const { entries } = await send<AuditResponse>(admin, 'GET', '/api/audit')
    expect(entries).toMatchObject([
      { action: 'bloc.create', actorName: 'Ban Thi đua – Khen thưởng tỉnh', details: { name: 'Khối thi đua các sở, ngành kinh tế', admin: 'admin.kinhte' } },
    ])
    // Not in another bloc's.
    expect((await send<AuditResponse>(bloc.admin, 'GET', '/api/audit?limit=200')).entries.some((entry) => entry.action === 'bloc.create')).toBe(false)
    expect((await overview()).blocs).toHaveLength(3)
  })

  it('sets a new password for a bloc’s admin, locked out or not: their sessions end, their bloc’s log says so', async () => {
    const before = await logIn(bloc.app, 'admin.kinhte', ADMIN_PASSWORD)
    const login = (password: string) => bloc.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin.kinhte', password } })
    for (let attempt = 0; attempt < 6; attempt++) await login('không phải mật khẩu')
    expect((await login(ADMIN_PASSWORD)).statusCode).toBe(429)
    const url = '/api/province/admins/Admin.KinhTe/password'
    expect((await bloc.app.inject({ method: 'PUT', url, headers: bloc.province, payload: { password: 'mật khẩu mới của khối' } })).statusCode).toBe(204)
    expect((await login('mật khẩu mới của khối')).statusCode).toBe(200)
    expect((await login(ADMIN_PASSWORD)).statusCode).toBe(401)
    expect((await bloc.app.inject({ method: 'GET', url: '/api/setup', headers: before })).statusCode).toBe(401)
    const admin = await logIn(bloc.app, 'admin.kinhte', 'mật khẩu mới của khối')
    const log = await send<AuditResponse>(admin, 'GET', '/api/audit')
    expect(log.entries[0]).toMatchObject({
      action: 'member.update',
      actorName: 'Ban Thi đua – Khen thưởng tỉnh',
      details: { member: 'Thường trực khối kinh tế', password: 'set by the province’s office' },
    })
    // Only a bloc admin's: a lead's, the office's own or no one's is not found; a short password is refused; a bloc's admin may not.
    for (const username of ['my.phunu', 'thiduatinh', 'không.có']) {
      const response = await bloc.app.inject({
        method: 'PUT',
        url: `/api/province/admins/${encodeURIComponent(username)}/password`,
        headers: bloc.province,
        payload: { password: 'mật khẩu mới của khối' },
      })
      expect(response.statusCode, username).toBe(404)
    }
    expect((await bloc.app.inject({ method: 'PUT', url, headers: bloc.province, payload: { password: 'ngắn' } })).statusCode).toBe(400)
    expect((await bloc.app.inject({ method: 'PUT', url, headers: bloc.admin, payload: { password: 'mật khẩu của khối khác' } })).statusCode).toBe(403)
  })

  it('refuses a username another bloc or the province uses, and creates nothing', async () => {
    const before = (await overview()).blocs.length
    for (const username of ['admin', 'admin.mattran', 'thiduatinh', 'LAN.DANVAN']) {
      const response = await bloc.app.inject({
        method: 'POST',
        url: '/api/province/blocs',
        headers: bloc.province,
        payload: { name: `Khối ${username}`, province: 'Hà Giang', headUnit: { name: 'Đơn vị', shortName: 'ĐV' }, admin: { name: 'Quản trị', username, password: ADMIN_PASSWORD } },
      })
      expect(response.statusCode, username).toBe(409)
    }
    expect((await overview()).blocs).toHaveLength(before)
  })

  it('is the province’s alone: a bloc’s admin or lead, a phone and no one are refused', async () => {
    const payload = {
      name: 'Khối thử',
      province: 'Hà Giang',
      headUnit: { name: 'Đơn vị', shortName: 'ĐV' },
      admin: { name: 'Quản trị', username: 'admin.thu', password: ADMIN_PASSWORD },
    }
    const commune = bloc.own.field.communes[0] ?? expect.fail('a commune')
    for (const [method, url, body] of [
      ['GET', '/api/province', undefined],
      ['GET', '/api/province/export.xlsx', undefined],
      ['POST', '/api/province/blocs', payload],
      ['GET', '/api/province/communes', undefined],
      ['PUT', `/api/province/communes/${commune.id}`, { name: 'Xã khác', district: commune.district, province: commune.province }],
      ['PUT', '/api/province/admins/admin/password', { password: 'mật khẩu của ai đó khác' }],
    ] as const) {
      for (const headers of [bloc.admin, bloc.own.lead, bloc.otherBloc.admin, bloc.own.field.headers]) {
        expect((await bloc.app.inject({ method, url, headers, ...(body && { payload: body }) })).statusCode, `${method} ${url}`).toBe(403)
      }
      expect((await bloc.app.inject({ method, url, ...(body && { payload: body }) })).statusCode).toBe(401)
    }
    expect((await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')).communes).toContainEqual(commune)
  })
})

describe('blocs side by side', () => {
  it('a commune may be listed by two blocs: added as it is, kept for the other when one takes it away, and changed by neither alone', async () => {
    const lungCu = (await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')).communes.find((commune) => commune.name === 'Lũng Cú') ?? expect.fail('Lũng Cú')
    const added = await send<{ id: string }>(bloc.otherBloc.admin, 'POST', '/api/communes', { name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' }, 201)
    expect(added.id).toBe(lungCu.id)
    const theirs = await send<SetupResponse>(bloc.otherBloc.admin, 'GET', '/api/setup')
    expect(theirs.communes.map((commune) => commune.name)).toContain('Lũng Cú')
    // Each bloc's setup marks it as shared, and only it.
    expect(theirs.sharedCommuneIds).toEqual([lungCu.id])
    expect((await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')).sharedCommuneIds).toEqual([lungCu.id])
    const rename = { name: 'Lũng Cú mới', district: 'Đồng Văn', province: 'Hà Giang' }
    expect((await bloc.app.inject({ method: 'PUT', url: `/api/communes/${lungCu.id}`, headers: bloc.admin, payload: rename })).statusCode).toBe(409)
    expect((await bloc.app.inject({ method: 'PUT', url: `/api/communes/${lungCu.id}`, headers: bloc.otherBloc.admin, payload: rename })).statusCode).toBe(409)
    // Adding it again to the same bloc is a conflict, as before.
    expect(
      (await bloc.app.inject({ method: 'POST', url: '/api/communes', headers: bloc.otherBloc.admin, payload: { name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' } }))
        .statusCode,
    ).toBe(409)
  })

  it('the office corrects a commune two blocs list, for both blocs and their phones; each bloc’s log records it', async () => {
    const place = bloc.own.field.communes[0] ?? expect.fail('a commune of the own unit')
    await send(bloc.otherBloc.admin, 'POST', '/api/communes', { name: place.name, district: place.district, province: place.province }, 201)
    const listed = await send<SharedCommunesResponse>(bloc.province, 'GET', '/api/province/communes')
    const entry = listed.communes.find((item) => item.commune.id === place.id) ?? expect.fail('the shared commune')
    expect(entry.blocs.map((item) => item.id).sort()).toEqual([await firstBlocOf(bloc.app), bloc.otherBloc.blocId].sort())
    // A commune one bloc lists alone is not the office's list.
    const ownSetup = await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')
    const alone = ownSetup.communes.filter((commune) => !listed.communes.some((item) => item.commune.id === commune.id))
    expect(alone.length).toBeGreaterThan(0)

    const refused = await bloc.app.inject({
      method: 'PUT',
      url: `/api/communes/${place.id}`,
      headers: bloc.admin,
      payload: { name: `${place.name} mới`, district: place.district, province: place.province },
    })
    expect(refused.statusCode).toBe(409)
    expect(refused.json<{ problems: unknown[] }>().problems).toEqual([{ field: 'commune', rule: 'shared' }])

    const { cursor } = (await bloc.app.inject({ method: 'GET', url: '/api/pull', headers: bloc.own.field.headers })).json<PullResponse>()
    const corrected = { name: `${place.name} (đã sửa)`, district: place.district, province: place.province }
    expect(await send<Commune>(bloc.province, 'PUT', `/api/province/communes/${place.id}`, { ...corrected, name: `  ${corrected.name} ` })).toEqual({ id: place.id, ...corrected })
    for (const headers of [bloc.admin, bloc.otherBloc.admin]) {
      expect((await send<SetupResponse>(headers, 'GET', '/api/setup')).communes).toContainEqual({ id: place.id, ...corrected })
      const log = await send<AuditResponse>(headers, 'GET', '/api/audit')
      expect(log.entries[0]).toMatchObject({
        action: 'commune.update',
        actorName: 'Ban Thi đua – Khen thưởng tỉnh',
        details: { name: corrected.name, was: `${place.name}, ${place.district}` },
      })
    }
    const pulled = (await bloc.app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: bloc.own.field.headers })).json<PullResponse>()
    expect(pulled.communes).toContainEqual({ id: place.id, ...corrected })

    // Another commune's name in the same district: refused, nothing changed. No such commune: 404. A blank name: 400.
    const twin = alone.find((commune) => commune.district === place.district && commune.province === place.province) ?? alone[0] ?? expect.fail('another commune')
    const clash = await bloc.app.inject({
      method: 'PUT',
      url: `/api/province/communes/${place.id}`,
      headers: bloc.province,
      payload: { name: twin.name, district: twin.district, province: twin.province },
    })
    expect(clash.statusCode).toBe(409)
    expect((await send<SharedCommunesResponse>(bloc.province, 'GET', '/api/province/communes')).communes.find((item) => item.commune.id === place.id)?.commune).toEqual({
      id: place.id,
      ...corrected,
    })
    expect((await bloc.app.inject({ method: 'PUT', url: `/api/province/communes/${randomUUID()}`, headers: bloc.province, payload: corrected })).statusCode).toBe(404)
    // A commune one bloc lists alone is that bloc's admin's to change.
    const own = alone[0] ?? expect.fail('a commune of one bloc')
    const theirsAlone = await bloc.app.inject({
      method: 'PUT',
      url: `/api/province/communes/${own.id}`,
      headers: bloc.province,
      payload: { name: `${own.name} mới`, district: own.district, province: own.province },
    })
    expect(theirsAlone.statusCode).toBe(409)
    expect((await bloc.app.inject({ method: 'PUT', url: `/api/province/communes/${place.id}`, headers: bloc.province, payload: { ...corrected, name: '  ' } })).statusCode).toBe(
      400,
    )
    await send(bloc.province, 'PUT', `/api/province/communes/${place.id}`, { name: place.name, district: place.district, province: place.province })
  })

  it('one bloc’s assignments replaced leave another bloc’s as they were', async () => {
    const before = await send<AssignmentsResponse>(bloc.admin, 'GET', `/api/assignments/${year}`)
    const theirs = await send<AssignmentsResponse>(bloc.otherBloc.admin, 'GET', `/api/assignments/${year}`)
    expect(theirs.assignments).toHaveLength(3)
    expect(theirs.assignments.some((item) => before.assignments.some((own) => own.unitId === item.unitId))).toBe(false)
    await send(bloc.otherBloc.admin, 'PUT', `/api/assignments/${year}`, { assignments: theirs.assignments.slice(0, 1).map(({ unitId, communeId }) => ({ unitId, communeId })) })
    expect((await send<AssignmentsResponse>(bloc.otherBloc.admin, 'GET', `/api/assignments/${year}`)).assignments).toHaveLength(1)
    expect(await send<AssignmentsResponse>(bloc.admin, 'GET', `/api/assignments/${year}`)).toEqual(before)
    // Naming another bloc's unit or commune is refused.
    const refused = await bloc.app.inject({
      method: 'PUT',
      url: `/api/assignments/${year}`,
      headers: bloc.otherBloc.admin,
      payload: { assignments: before.assignments.slice(0, 1).map(({ unitId, communeId }) => ({ unitId, communeId })) },
    })
    expect(refused.statusCode).toBe(404)
  })

  it('each bloc’s admin removes their own demo; another bloc’s stays, marks and all', async () => {
    // The second bloc keeps a commune of the first bloc's demo for a real unit of its own.
    const before = await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')
    const lungCu = before.communes.find((commune) => commune.name === 'Lũng Cú') ?? expect.fail('Lũng Cú')
    expect(before.demo?.communeIds).toContain(lungCu.id)
    const unit = await send<{ id: string }>(bloc.otherBloc.admin, 'POST', '/api/units', { name: 'Hội Cựu chiến binh tỉnh', shortName: 'Hội CCB' }, 201)
    const theirs = await send<AssignmentsResponse>(bloc.otherBloc.admin, 'GET', `/api/assignments/${year}`)
    await send(bloc.otherBloc.admin, 'PUT', `/api/assignments/${year}`, {
      assignments: [...theirs.assignments.map(({ unitId, communeId }) => ({ unitId, communeId })), { unitId: unit.id, communeId: lungCu.id }],
    })
    const stamp = () => bloc.app.db.selectFrom('commune').select(['rev', 'demo']).where('id', '=', lungCu.id).executeTakeFirstOrThrow()
    const stamped = await stamp()

    const removal = await bloc.app.inject({ method: 'POST', url: '/api/demo/removal', headers: bloc.otherBloc.admin })
    expect(removal.statusCode, removal.body).toBe(200)
    const after = await send<SetupResponse>(bloc.otherBloc.admin, 'GET', '/api/setup')
    expect(after.demo).toBeNull()
    expect(after.communes.map((commune) => commune.id)).toContain(lungCu.id)
    const ours = await send<SetupResponse>(bloc.admin, 'GET', '/api/setup')
    expect(ours.demo).toEqual(before.demo)
    expect(ours.units).toHaveLength(6)
    // The shared commune stays listed by the first bloc, with its assignment, unchanged and still the first bloc's demo.
    expect(ours.communes).toContainEqual(lungCu)
    expect(await stamp()).toEqual(stamped)
  })
})
