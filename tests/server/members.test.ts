import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ErrorResponse, MemberDetail, MemberRequest, MembersResponse, PullResponse } from '../../src/protocol'
import type { App } from '../../server/app'
import { fieldOf, push, reportOf } from './field'
import { buildTestApp, enrolledAs, firstBlocOf } from './helper'
import { ADMIN_PASSWORD, logIn, testBloc, type TestBloc } from './managers'

/** What the member routes do: the bloc's people and their phones, as the admin and a lead manage them. */

type Headers = { authorization: string }

let bloc: TestBloc

beforeAll(async () => {
  bloc = await testBloc()
}, 60_000)

const PASSWORD = 'mật khẩu mới đủ dài'
const unique = () => randomUUID().slice(0, 8)

async function members(headers: Headers, unitId?: string) {
  return bloc.app.inject({ method: 'GET', url: `/api/members${unitId ? `?unitId=${unitId}` : ''}`, headers })
}

async function save(headers: Headers, body: MemberRequest, memberId?: string, app: App = bloc.app) {
  return app.inject({ method: memberId ? 'PUT' : 'POST', url: memberId ? `/api/members/${memberId}` : '/api/members', headers, payload: body })
}

async function saved(headers: Headers, body: MemberRequest, memberId?: string, app: App = bloc.app): Promise<MemberDetail> {
  const response = await save(headers, body, memberId, app)
  expect(response.statusCode, response.body).toBe(memberId ? 200 : 201)
  return response.json<MemberDetail>()
}

const cadreBody = (unitId: string, changes: Partial<MemberRequest> = {}): MemberRequest => ({ unitId, name: `Cán bộ ${unique()}`, title: 'Chuyên viên', role: 'cadre', ...changes })
const leadBody = (unitId: string, changes: Partial<MemberRequest> = {}): MemberRequest => ({
  ...cadreBody(unitId),
  role: 'lead',
  username: `lead.${unique()}`,
  password: PASSWORD,
  ...changes,
})

/** The status of a request made with `headers`: 401 once a session has ended. */
const statusWith = async (headers: Headers, app: App = bloc.app) => (await app.inject({ method: 'GET', url: '/api/setup', headers })).statusCode

describe('GET /api/members', () => {
  it('lists the members, each with their phones as their last push described them', async () => {
    const { app, own } = bloc
    const first = await push(app, own.field, [reportOf(own.field)], { appVersion: '0.4.2', waiting: 7, freeBytes: 2_500_000_000 })
    expect(first.statusCode).toBe(200)
    const second = { ...own.field, headers: await enrolledAs(app, 'Lý Thị Dua') }
    expect((await push(app, second, [reportOf(second)], { appVersion: '0.4.3', waiting: 0, freeBytes: null })).statusCode).toBe(200)

    const response = await members(bloc.admin)
    expect(response.statusCode).toBe(200)
    const list = response.json<MembersResponse>().members
    const ofBloc = await app.db
      .selectFrom('member')
      .innerJoin('unit', 'unit.id', 'member.unit_id')
      .select('member.id')
      .where('unit.bloc_id', '=', await firstBlocOf(app))
      .execute()
    expect(list).toHaveLength(ofBloc.length)
    expect(list.map((member) => member.name)).toEqual(expect.arrayContaining(['Giàng Seo Chứ', 'Vàng Thị Mai', 'Đặng Văn Phú']))
    const dua = list.find((member) => member.name === 'Lý Thị Dua') ?? expect.fail('no Lý Thị Dua')
    expect(dua).toMatchObject({ unitId: own.unitId, role: 'cadre', title: 'Chuyên viên', username: null })
    // Newest enrollment first.
    expect(dua.devices).toEqual([
      expect.objectContaining({ name: 'Máy thử', appVersion: '0.4.3', waiting: 0, freeBytes: null, revokedAt: null }),
      expect.objectContaining({ name: 'Máy thử', appVersion: '0.4.2', waiting: 7, freeBytes: 2_500_000_000, revokedAt: null }),
    ])
    for (const device of dua.devices) {
      expect(device.memberId).toBe(dua.id)
      expect(Date.parse(device.lastPushAt ?? '')).toBeGreaterThanOrEqual(Date.parse(device.enrolledAt))
      expect(device.lastSeenAt).not.toBeNull()
    }
    expect(list.find((member) => member.name === 'Phạm Thị Lan')).toMatchObject({ role: 'lead', username: 'lan.danvan', devices: [] })

    // Once the photos that push asked for are sent, the phone says what it still holds: nothing.
    const status = await app.inject({
      method: 'PUT',
      url: '/api/device/status',
      headers: own.field.headers,
      payload: { appVersion: '0.4.2', waiting: 0, freeBytes: 2_400_000_000 },
    })
    expect(status.statusCode).toBe(204)
    const after = (await members(bloc.admin)).json<MembersResponse>().members.find((member) => member.name === 'Lý Thị Dua')
    expect(after?.devices[1]).toMatchObject({ appVersion: '0.4.2', waiting: 0, freeBytes: 2_400_000_000 })
    expect(list.find((member) => member.role === 'admin')).toMatchObject({ username: 'admin' })
    expect(response.body).not.toContain('password')
  })

  it('shows a phone that never pushed without figures, and a revoked one with its revocation', async () => {
    const { app, admin } = bloc
    const headers = await enrolledAs(app, 'Bàn Văn Kiên')
    const listed = (await members(admin, bloc.own.unitId)).json<MembersResponse>().members
    const kien = listed.find((member) => member.name === 'Bàn Văn Kiên') ?? expect.fail('no Bàn Văn Kiên')
    const device = kien.devices[0] ?? expect.fail('no device')
    expect(device).toMatchObject({ lastPushAt: null, appVersion: null, waiting: null, freeBytes: null, revokedAt: null })

    expect((await app.inject({ method: 'POST', url: `/api/devices/${device.id}/revoke`, headers: admin })).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers })).statusCode).toBe(401)
    const after = (await members(admin, bloc.own.unitId)).json<MembersResponse>().members.find((member) => member.id === kien.id)
    expect(after?.devices[0]?.revokedAt).toEqual(expect.any(String))
  })

  it('lists one unit when asked; a lead always gets their own unit', async () => {
    const byAdmin = (await members(bloc.admin, bloc.own.unitId)).json<MembersResponse>().members
    expect(byAdmin.length).toBeGreaterThanOrEqual(4)
    expect(byAdmin.every((member) => member.unitId === bloc.own.unitId)).toBe(true)
    expect(byAdmin.map((member) => member.name)).toEqual(expect.arrayContaining(['Phạm Thị Lan', 'Lý Thị Dua', 'Sùng Mí Páo', 'Bàn Văn Kiên']))

    const byLead = (await members(bloc.own.lead)).json<MembersResponse>().members
    expect(byLead.map((member) => member.id).sort()).toEqual(byAdmin.map((member) => member.id).sort())
    expect((await members(bloc.other.lead)).json<MembersResponse>().members.every((member) => member.unitId === bloc.other.unitId)).toBe(true)
  })
})

describe('POST /api/members', () => {
  it('creates a cadre, without a username or password whatever the request says', async () => {
    const created = await saved(bloc.admin, cadreBody(bloc.own.unitId, { name: '  Hoàng Thị Nụ  ', title: 'Cán sự', username: `nu.${unique()}`, password: PASSWORD }))
    expect(created).toEqual({ id: expect.any(String) as string, unitId: bloc.own.unitId, name: 'Hoàng Thị Nụ', title: 'Cán sự', role: 'cadre', username: null, devices: [] })
    expect((await members(bloc.admin, bloc.own.unitId)).json<MembersResponse>().members).toContainEqual(created)
    const row = await bloc.app.db.selectFrom('member').select(['username', 'password_hash']).where('id', '=', created.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ username: null, password_hash: null })
    // A new cadre can be given a phone at once.
    const code = await bloc.app.inject({ method: 'POST', url: '/api/enrollment-codes', headers: bloc.own.lead, payload: { memberId: created.id } })
    expect(code.statusCode).toBe(201)
  })

  it.each<[string, Partial<MemberRequest>, { field: string; rule: string }[]]>([
    ['without a username', { username: undefined }, [{ field: 'username', rule: 'required' }]],
    ['with a null username', { username: null }, [{ field: 'username', rule: 'required' }]],
    ['without a password', { password: undefined }, [{ field: 'password', rule: 'required' }]],
    [
      'with neither',
      { username: undefined, password: undefined },
      [
        { field: 'username', rule: 'required' },
        { field: 'password', rule: 'required' },
      ],
    ],
    ['with a blank name', { name: '   ' }, [{ field: 'name', rule: 'required' }]],
  ])('refuses a lead %s with a 400 naming what is missing', async (_, changes, problems) => {
    const body = leadBody(bloc.own.unitId, changes)
    const response = await save(bloc.admin, body)
    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'invalid', problems })
    expect(await bloc.app.db.selectFrom('member').select('id').where('name', '=', body.name.trim()).execute()).toEqual([])
  })

  it('creates a lead who can log in with the username in any case', async () => {
    const username = `Hoa.DanVan.${unique()}`
    const created = await saved(bloc.admin, leadBody(bloc.own.unitId, { name: 'Hà Thị Hoa', title: 'Phó Trưởng ban', username }))
    expect(created).toMatchObject({ role: 'lead', username: username.toLowerCase(), unitId: bloc.own.unitId, devices: [] })
    const login = await bloc.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } })
    expect(login.statusCode, login.body).toBe(200)
    expect(login.json()).toMatchObject({ member: { id: created.id, role: 'lead' }, unit: { id: bloc.own.unitId } })
    const headers = await logIn(bloc.app, username.toLowerCase(), PASSWORD)
    expect((await members(headers)).json<MembersResponse>().members.every((member) => member.unitId === bloc.own.unitId)).toBe(true)
  })

  it.each([
    ['the same', 'lan.danvan'],
    ['in other letters’ case', 'LAN.DanVan'],
  ])('refuses a username already taken, %s, with a 409', async (_, username) => {
    const response = await save(bloc.admin, leadBody(bloc.other.unitId, { username }))
    expect(response.statusCode).toBe(409)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'conflict', problems: [{ field: 'username', rule: 'taken' }] })
    expect(await bloc.app.db.selectFrom('member').select('id').where('username', '=', 'lan.danvan').execute()).toHaveLength(1)
  })

  it('answers 404 for an unknown unit or member', async () => {
    expect((await save(bloc.admin, cadreBody(randomUUID()))).statusCode).toBe(404)
    expect((await save(bloc.admin, cadreBody(bloc.own.unitId), randomUUID())).statusCode).toBe(404)
  })
})

describe('PUT /api/members/:memberId', () => {
  it('changes a member; their phone pulls everything afresh with the change', async () => {
    const cadre = await saved(bloc.admin, cadreBody(bloc.own.unitId, { name: 'Vừ Mí Lầu' }))
    const field = await fieldOf(bloc.app, 'Vừ Mí Lầu')
    const { cursor } = (await bloc.app.inject({ method: 'GET', url: '/api/pull', headers: field.headers })).json<PullResponse>()

    const changed = await saved(bloc.own.lead, cadreBody(bloc.own.unitId, { name: 'Vừ Mí Lầu (đổi)', title: 'Chuyên viên chính' }), cadre.id)
    expect(changed).toMatchObject({ id: cadre.id, name: 'Vừ Mí Lầu (đổi)', title: 'Chuyên viên chính', role: 'cadre' })
    expect(changed.devices).toHaveLength(1)
    const pulled = (await bloc.app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: field.headers })).json<PullResponse>()
    expect(pulled.full).toBe(true)
    expect(pulled.member).toEqual({ id: cadre.id, unitId: bloc.own.unitId, name: 'Vừ Mí Lầu (đổi)', role: 'cadre', title: 'Chuyên viên chính' })
  })

  it('moves a cadre to another unit, for the admin; the phone then holds the new unit’s communes', async () => {
    const cadre = await saved(bloc.admin, cadreBody(bloc.own.unitId, { name: 'Sềnh Thị Mỷ' }))
    const field = await fieldOf(bloc.app, 'Sềnh Thị Mỷ')
    const { cursor } = (await bloc.app.inject({ method: 'GET', url: '/api/pull', headers: field.headers })).json<PullResponse>()
    const moved = await saved(bloc.admin, cadreBody(bloc.other.unitId, { name: 'Sềnh Thị Mỷ' }), cadre.id)
    expect(moved.unitId).toBe(bloc.other.unitId)
    const pulled = (await bloc.app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers: field.headers })).json<PullResponse>()
    expect(pulled).toMatchObject({ full: true, unit: { id: bloc.other.unitId } })
    expect(pulled.communes.map((commune) => commune.name).sort()).toEqual(['Pả Vi', 'Xín Cái'])
  })

  it('lets a lead change themselves, but not their own role', async () => {
    const own = await bloc.app.db.selectFrom('member').selectAll().where('id', '=', bloc.own.leadId).executeTakeFirstOrThrow()
    const body = { unitId: own.unit_id ?? '', name: own.name, title: 'Trưởng ban', role: 'lead' as const }
    expect((await saved(bloc.own.lead, body, own.id)).title).toBe('Trưởng ban')
    expect((await save(bloc.own.lead, { ...body, role: 'admin' }, own.id)).statusCode).toBe(403)
    expect((await save(bloc.own.lead, { ...body, role: 'cadre' }, own.id)).statusCode).toBe(403)
    expect(await statusWith(bloc.own.lead)).toBe(200)
  })

  it.each<[string, (unitId: string, otherUnitId: string) => MemberRequest, boolean]>([
    ['make a lead', (unitId) => leadBody(unitId), false],
    ['make an admin', (unitId) => ({ ...leadBody(unitId), role: 'admin' }), false],
    ['make a cadre of another unit', (_, otherUnitId) => cadreBody(otherUnitId), false],
    ['promote a cadre to lead', (unitId) => leadBody(unitId), true],
    ['move a cadre to another unit', (_, otherUnitId) => cadreBody(otherUnitId), true],
  ])('refuses a lead who would %s with a 403', async (_, body, change) => {
    const cadre = await saved(bloc.admin, cadreBody(bloc.own.unitId))
    const request = body(bloc.own.unitId, bloc.other.unitId)
    const response = await save(bloc.own.lead, request, change ? cadre.id : undefined)
    expect(response.statusCode).toBe(403)
    expect(response.json<ErrorResponse>().code).toBe('forbidden')
    const row = await bloc.app.db.selectFrom('member').select(['unit_id', 'role']).where('id', '=', cadre.id).executeTakeFirstOrThrow()
    expect(row).toEqual({ unit_id: bloc.own.unitId, role: 'cadre' })
    expect(await bloc.app.db.selectFrom('member').select('id').where('name', '=', request.name).execute()).toEqual([])
  })

  it('refuses a lead who would change another unit’s cadre or another lead', async () => {
    const theirs = await saved(bloc.admin, cadreBody(bloc.other.unitId))
    expect((await save(bloc.own.lead, cadreBody(bloc.other.unitId), theirs.id)).statusCode).toBe(403)
    expect((await save(bloc.own.lead, cadreBody(bloc.own.unitId), theirs.id)).statusCode).toBe(403)
    const otherLead = await saved(bloc.admin, leadBody(bloc.own.unitId))
    expect((await save(bloc.own.lead, { ...leadBody(bloc.own.unitId), username: otherLead.username }, otherLead.id)).statusCode).toBe(403)
  })

  it('a new password ends the member’s sessions; other changes keep them', async () => {
    const username = `doi.${unique()}`
    const lead = await saved(bloc.admin, leadBody(bloc.own.unitId, { username }))
    const [one, two] = [await logIn(bloc.app, username, PASSWORD), await logIn(bloc.app, username, PASSWORD)]
    const body = { unitId: lead.unitId, name: lead.name, title: lead.title, role: 'lead' as const, username }

    await saved(bloc.admin, { ...body, title: 'Trưởng phòng' }, lead.id)
    expect([await statusWith(one), await statusWith(two)]).toEqual([200, 200])

    await saved(bloc.admin, { ...body, password: 'một mật khẩu khác hẳn' }, lead.id)
    expect([await statusWith(one), await statusWith(two)]).toEqual([401, 401])
    expect(await statusWith(bloc.own.lead)).toBe(200)
    expect((await bloc.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } })).statusCode).toBe(401)
    expect(await statusWith(await logIn(bloc.app, username, 'một mật khẩu khác hẳn'))).toBe(200)
  })

  it('a lead made a cadre loses their username, password and sessions', async () => {
    const username = `ha.${unique()}`
    const lead = await saved(bloc.admin, leadBody(bloc.own.unitId, { username }))
    const session = await logIn(bloc.app, username, PASSWORD)
    const cadre = await saved(bloc.admin, cadreBody(bloc.own.unitId, { name: lead.name }), lead.id)
    expect(cadre).toMatchObject({ role: 'cadre', username: null })
    expect(await statusWith(session)).toBe(401)
    expect((await bloc.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } })).statusCode).toBe(401)
  })

  it('a cadre made a lead needs a password', async () => {
    const cadre = await saved(bloc.admin, cadreBody(bloc.own.unitId))
    const missing = await save(bloc.admin, leadBody(bloc.own.unitId, { name: cadre.name, password: undefined }), cadre.id)
    expect(missing.statusCode).toBe(400)
    expect(missing.json<ErrorResponse>().problems).toEqual([{ field: 'password', rule: 'required' }])
    const username = `len.${unique()}`
    expect(await saved(bloc.admin, leadBody(bloc.own.unitId, { name: cadre.name, username }), cadre.id)).toMatchObject({ role: 'lead', username })
    await logIn(bloc.app, username, PASSWORD)
  })

  it('keeps the bloc’s last admin an admin', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD })
    const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
    const row = await app.db.selectFrom('member').selectAll().where('username', '=', 'admin').executeTakeFirstOrThrow()
    const body: MemberRequest = { unitId: row.unit_id ?? '', name: row.name, title: row.title, role: 'lead', username: 'admin' }

    const refused = await save(admin, body, row.id, app)
    expect(refused.statusCode).toBe(409)
    expect(refused.json<ErrorResponse>().code).toBe('conflict')
    expect((await app.db.selectFrom('member').select('role').where('id', '=', row.id).executeTakeFirstOrThrow()).role).toBe('admin')

    // With a second admin, the first may step down.
    await saved(admin, { ...body, name: 'Quản trị hai', role: 'admin', username: 'admin2', password: PASSWORD }, undefined, app)
    expect((await saved(admin, body, row.id, app)).role).toBe('lead')
    expect(await statusWith(admin, app)).toBe(200)
    expect((await app.inject({ method: 'POST', url: '/api/units', headers: admin, payload: { name: 'Ban mới', shortName: 'Mới' } })).statusCode).toBe(403)
  })
})
