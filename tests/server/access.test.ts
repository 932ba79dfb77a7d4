import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createEnrollmentCode } from '../../server/services/enrollment'
import { demoCadre, type DemoData } from '../../server/services/bootstrap'
import { hashPassword } from '../../server/services/secrets'
import { buildTestApp, firstBlocOf } from './helper'

const ADMIN_PASSWORD = 'một mật khẩu dài'

async function demoApp() {
  return buildTestApp({ ADMIN_PASSWORD, PUBLIC_URL: 'https://giaouoc.example.vn' })
}

type App = Awaited<ReturnType<typeof demoApp>>

async function logInAdmin(app: App): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
  expect(response.statusCode).toBe(200)
  return response.json<{ token: string }>().token
}

async function enroll(app: App, code: string, deviceName = 'Điện thoại Android') {
  return app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName } })
}

async function memberNamed(app: App, name: string) {
  return app.db.selectFrom('member').selectAll().where('name', '=', name).executeTakeFirstOrThrow()
}

describe('first start', () => {
  it('loads the demo bloc, creates the admin and prepares a link for the demo cadre', async () => {
    const app = await demoApp()
    expect(app.firstStart.admin).toEqual({ username: 'admin', password: null })
    expect(app.firstStart.demoEnrollment).toMatchObject({ name: 'Giàng Seo Chứ' })
    expect(app.firstStart.demoEnrollment?.link).toMatch(/^https:\/\/giaouoc\.example\.vn\/enroll#code=[0-9A-Z]{5}-[0-9A-Z]{5}$/)
    // The first bloc is the one the admin runs; a second, smaller bloc of the province beside it.
    const blocId = await firstBlocOf(app)
    expect(await app.db.selectFrom('unit').select('id').where('bloc_id', '=', blocId).execute()).toHaveLength(6)
    expect(await app.db.selectFrom('bloc_commune').select('commune_id').where('bloc_id', '=', blocId).execute()).toHaveLength(11)
    expect(await app.db.selectFrom('bloc').select('id').execute()).toHaveLength(2)
    expect(await app.db.selectFrom('unit').select('id').where('bloc_id', '!=', blocId).execute()).toHaveLength(3)
    const points = await app.db
      .selectFrom('commitment')
      .innerJoin('covenant', 'covenant.id', 'commitment.covenant_id')
      .select((eb) => eb.fn.sum<number>('max_points').as('sum'))
      .where('covenant.bloc_id', '=', blocId)
      .executeTakeFirst()
    expect(points?.sum).toBe(100)
  })

  it('generates a password to print once when none is given', async () => {
    const app = await buildTestApp()
    expect(app.firstStart.admin?.password).toMatch(/^[a-zA-Z2-9]{16}$/)
    const response = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'admin', password: app.firstStart.admin?.password },
    })
    expect(response.statusCode).toBe(200)
  })

  it('with SEED_DEMO=false, starts with only the admin and an empty bloc', async () => {
    const app = await buildTestApp({ SEED_DEMO: 'false' })
    expect(app.firstStart.demoEnrollment).toBeNull()
    expect(await app.db.selectFrom('member').select(['role', 'username']).execute()).toEqual([{ role: 'admin', username: 'admin' }])
    expect(await app.db.selectFrom('covenant').select('id').execute()).toEqual([])
  })
})

describe('POST /api/auth/login', () => {
  it('answers a bearer session with the member and unit for the right password', async () => {
    const app = await demoApp()
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'Admin ', password: ADMIN_PASSWORD } })
    expect(response.statusCode).toBe(200)
    const body = response.json<{ token: string; expiresAt: string; member: { role: string }; unit: { name: string } }>()
    expect(body.token).toMatch(/^gus_[\w-]{43}$/)
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(11 * 3600 * 1000)
    expect(body.member.role).toBe('admin')
    expect(body.unit.name).toBe('Ban Tổ chức Tỉnh ủy')
    const stored = await app.db.selectFrom('session').select('token_hash').execute()
    expect(stored.map((row) => row.token_hash)).not.toContain(body.token)
  })

  it('refuses a wrong password and an unknown name alike', async () => {
    const app = await demoApp()
    for (const payload of [
      { username: 'admin', password: 'sai mật khẩu' },
      { username: 'nobody', password: ADMIN_PASSWORD },
    ]) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload })
      expect(response.statusCode).toBe(401)
      expect(response.json()).toMatchObject({ code: 'bad_login', message: 'Wrong username or password' })
    }
  })

  it('refuses a malformed body with a clear 400', async () => {
    const app = await demoApp()
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD, extra: 1 } })
    expect(response.statusCode).toBe(400)
    expect(response.json<{ message: string }>().message).toMatch(/additional properties/)
  })

  it('after five failures makes the sixth attempt wait, even with the right password', async () => {
    const app = await demoApp()
    for (let i = 0; i < 5; i++) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: `sai ${i}` } })
      expect(response.statusCode).toBe(401)
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
    expect(blocked.statusCode).toBe(429)
    expect(blocked.json()).toMatchObject({ code: 'too_many_attempts' })
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0)
  })

  it('counts attempts sent all at once: no more than five are checked', async () => {
    const app = await demoApp()
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: `sai ${i}` } })),
    )
    const statuses = answers.map((response) => response.statusCode)
    expect(statuses.filter((status) => status === 401)).toHaveLength(5)
    expect(statuses.filter((status) => status === 429)).toHaveLength(7)
  })

  it('limits one address trying many names', async () => {
    const app = await demoApp()
    for (let i = 0; i < 30; i++) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `user${i}`, password: 'mật khẩu' } })
      expect(response.statusCode).toBe(401)
    }
    const blocked = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: ADMIN_PASSWORD } })
    expect(blocked.statusCode).toBe(429)
  })

  it('logout revokes the session', async () => {
    const app = await demoApp()
    const token = await logInAdmin(app)
    const headers = { authorization: `Bearer ${token}` }
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers })).statusCode).toBe(204)
    const again = await app.inject({ method: 'POST', url: '/api/auth/logout', headers })
    expect(again.statusCode).toBe(401)
  })
})

describe('enrollment', () => {
  it('a valid code enrolls the phone once and answers a 256-bit device token', async () => {
    const app = await demoApp()
    const code = app.firstStart.demoEnrollment?.code ?? ''
    const response = await enroll(app, code.toLowerCase().replace('-', ' '))
    expect(response.statusCode).toBe(201)
    const body = response.json<{ deviceToken: string; device: { id: string; name: string }; member: { name: string }; unit: { name: string } }>()
    expect(body.deviceToken).toMatch(/^gud_[\w-]{43}$/)
    expect(body.member.name).toBe('Giàng Seo Chứ')
    expect(body.unit.name).toBe('Ban Tổ chức Tỉnh ủy')
    const device = await app.db.selectFrom('device').selectAll().where('id', '=', body.device.id).executeTakeFirstOrThrow()
    expect(device.token_hash).toMatch(/^[0-9a-f]{64}$/)
    expect(device.token_hash).not.toContain(body.deviceToken)
  })

  it('a code of another member is refused while the phone holds unsent work, and stays good', async () => {
    const app = await demoApp()
    const code = app.firstStart.demoEnrollment?.code ?? ''
    const other = await memberNamed(app, 'Lý Thị Dua')
    const refused = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy chung', onlyMemberId: other.id } })
    expect(refused.statusCode).toBe(409)
    expect(refused.json()).toMatchObject({ code: 'enrollment_other_member' })
    const owner = await memberNamed(app, 'Giàng Seo Chứ')
    const taken = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy chung', onlyMemberId: owner.id } })
    expect(taken.statusCode).toBe(201)
  })

  it('a used code is refused with 409', async () => {
    const app = await demoApp()
    const code = app.firstStart.demoEnrollment?.code ?? ''
    expect((await enroll(app, code)).statusCode).toBe(201)
    const reused = await enroll(app, code)
    expect(reused.statusCode).toBe(409)
    expect(reused.json()).toMatchObject({ code: 'enrollment_code_used' })
    expect(await app.db.selectFrom('device').select('id').execute()).toHaveLength(1)
  })

  it('an expired code is refused with 410', async () => {
    const app = await demoApp()
    const member = await memberNamed(app, 'Vàng Thị Mai')
    const old = await createEnrollmentCode(app.db, 'endpoint', member.id, { publicUrl: '', now: new Date(Date.now() - 25 * 3600 * 1000) })
    const response = await enroll(app, old.code)
    expect(response.statusCode).toBe(410)
    expect(response.json()).toMatchObject({ code: 'enrollment_code_expired' })
  })

  it('an unknown or malformed code is refused with 404, and a blank device name with 400', async () => {
    const app = await demoApp()
    for (const code of ['ZZZZZ-ZZZZZ', 'not a code']) {
      const response = await enroll(app, code)
      expect(response.statusCode).toBe(404)
      expect(response.json()).toMatchObject({ code: 'enrollment_code_unknown' })
    }
    const blank = await enroll(app, app.firstStart.demoEnrollment?.code ?? '', '   ')
    expect(blank.statusCode).toBe(400)
    expect(blank.json()).toMatchObject({ code: 'invalid' })
  })

  it('guessing codes from one address is slowed down', async () => {
    const app = await demoApp()
    for (let i = 0; i < 20; i++) await enroll(app, `ZZZZZ-ZZZ${String(i).padStart(2, '0')}`.slice(0, 11))
    const blocked = await enroll(app, app.firstStart.demoEnrollment?.code ?? '')
    expect(blocked.statusCode).toBe(429)
  })

  it('a lead creates codes for their own unit only; an admin for anyone; a device never', async () => {
    const app = await demoApp()
    const admin = await logInAdmin(app)
    const cadre = await memberNamed(app, 'Vàng Thị Mai')
    const asAdmin = await app.inject({
      method: 'POST',
      url: '/api/enrollment-codes',
      headers: { authorization: `Bearer ${admin}` },
      payload: { memberId: cadre.id, validHours: 2 },
    })
    expect(asAdmin.statusCode).toBe(201)
    const created = asAdmin.json<{ code: string; link: string; expiresAt: string }>()
    expect(created.link).toBe(`https://giaouoc.example.vn/enroll#code=${created.code}`)
    expect(Date.parse(created.expiresAt) - Date.now()).toBeLessThanOrEqual(2 * 3600 * 1000)

    // A lead of another unit (Ban Tổ chức) may not.
    const lead = await memberNamed(app, 'Nguyễn Thị Thu Hà')
    await app.db
      .updateTable('member')
      .set({ username: 'ha', password_hash: await hashPassword('mật khẩu của Hà') })
      .where('id', '=', lead.id)
      .execute()
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ha', password: 'mật khẩu của Hà' } })
    const leadToken = login.json<{ token: string }>().token
    const asLead = await app.inject({
      method: 'POST',
      url: '/api/enrollment-codes',
      headers: { authorization: `Bearer ${leadToken}` },
      payload: { memberId: cadre.id },
    })
    expect(asLead.statusCode).toBe(403)

    const device = (await enroll(app, app.firstStart.demoEnrollment?.code ?? '')).json<{ deviceToken: string }>()
    const asDevice = await app.inject({
      method: 'POST',
      url: '/api/enrollment-codes',
      headers: { authorization: `Bearer ${device.deviceToken}` },
      payload: { memberId: cadre.id },
    })
    expect(asDevice.statusCode).toBe(403)
  })

  it('a lead may not act on the admin or another lead, even in their own unit', async () => {
    const app = await demoApp()
    const lead = await memberNamed(app, 'Nguyễn Thị Thu Hà')
    await app.db
      .updateTable('member')
      .set({ username: 'ha', password_hash: await hashPassword('mật khẩu của Hà') })
      .where('id', '=', lead.id)
      .execute()
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ha', password: 'mật khẩu của Hà' } })
    const headers = { authorization: `Bearer ${login.json<{ token: string }>().token}` }
    const admin = await app.db.selectFrom('member').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()
    const forAdmin = await app.inject({ method: 'POST', url: '/api/enrollment-codes', headers, payload: { memberId: admin.id } })
    expect(forAdmin.statusCode).toBe(403)
    const ownCadre = await memberNamed(app, 'Hoàng Văn Minh')
    const forCadre = await app.inject({ method: 'POST', url: '/api/enrollment-codes', headers, payload: { memberId: ownCadre.id } })
    expect(forCadre.statusCode).toBe(201)
    const forSelf = await app.inject({ method: 'POST', url: '/api/enrollment-codes', headers, payload: { memberId: lead.id } })
    expect(forSelf.statusCode).toBe(201)
  })

  it('a retry with the same request id after a lost answer gets a new token for the same device', async () => {
    const app = await demoApp()
    const code = app.firstStart.demoEnrollment?.code ?? ''
    const requestId = crypto.randomUUID()
    const first = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy', requestId } })
    const again = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy', requestId } })
    expect(first.statusCode).toBe(201)
    expect(again.statusCode).toBe(201)
    const [a, b] = [first, again].map((response) => response.json<{ deviceToken: string; device: { id: string } }>())
    expect(b?.device.id).toBe(a?.device.id)
    expect(b?.deviceToken).not.toBe(a?.deviceToken)
    // Only the newest token works; another phone with the same code is still refused.
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers: { authorization: `Bearer ${a?.deviceToken}` } })).statusCode).toBe(401)
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers: { authorization: `Bearer ${b?.deviceToken}` } })).statusCode).toBe(200)
    const other = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy khác', requestId: crypto.randomUUID() } })
    expect(other.statusCode).toBe(409)
    expect(await app.db.selectFrom('device').select('id').execute()).toHaveLength(1)
  })

  it('once the demo cadre has a phone, the endpoint stops printing demo codes', async () => {
    const app = await demoApp()
    expect((await enroll(app, app.firstStart.demoEnrollment?.code ?? '')).statusCode).toBe(201)
    const data = JSON.parse(fs.readFileSync(new URL('../../server/demo/demo-data.json', import.meta.url), 'utf8')) as DemoData
    expect(await demoCadre(app.db, data)).toBeUndefined()
  })

  it('a revoked device gets 401 with code device_revoked', async () => {
    const app = await demoApp()
    const enrolled = (await enroll(app, app.firstStart.demoEnrollment?.code ?? '')).json<{ deviceToken: string; device: { id: string } }>()
    const headers = { authorization: `Bearer ${enrolled.deviceToken}` }
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers })).statusCode).toBe(200)

    const admin = await logInAdmin(app)
    const revoke = await app.inject({
      method: 'POST',
      url: `/api/devices/${enrolled.device.id}/revoke`,
      headers: { authorization: `Bearer ${admin}` },
    })
    expect(revoke.statusCode).toBe(200)
    expect(revoke.json<{ revokedAt: string | null }>().revokedAt).not.toBeNull()

    const refused = await app.inject({ method: 'GET', url: '/api/pull', headers })
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ code: 'device_revoked' })
    expect(refused.headers['www-authenticate']).toBe('Bearer')
  })

  it('a phone signed out of by its cadre stops working at once; the sign-out is audited and asked again changes nothing', async () => {
    const app = await demoApp()
    const enrolled = (await enroll(app, app.firstStart.demoEnrollment?.code ?? '')).json<{ deviceToken: string; device: { id: string } }>()
    const headers = { authorization: `Bearer ${enrolled.deviceToken}` }
    const signedOut = await app.inject({ method: 'POST', url: '/api/device/sign-out', headers })
    expect(signedOut.statusCode).toBe(200)
    expect(signedOut.json<{ id: string; revokedAt: string | null }>()).toMatchObject({ id: enrolled.device.id, revokedAt: expect.any(String) })

    const refused = await app.inject({ method: 'GET', url: '/api/pull', headers })
    expect(refused.statusCode).toBe(401)
    expect(refused.json()).toMatchObject({ code: 'device_revoked' })
    const again = await app.inject({ method: 'POST', url: '/api/device/sign-out', headers })
    expect(again.statusCode).toBe(401)
    expect(again.json()).toMatchObject({ code: 'device_revoked' })

    const logged = await app.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', 'device.sign_out').execute()
    expect(logged).toHaveLength(1)
    expect(JSON.parse(logged[0]?.details ?? '{}')).toMatchObject({ device: expect.any(String), member: expect.any(String) })
  })

  it('a dashboard session cannot sign a phone out', async () => {
    const app = await demoApp()
    const admin = await logInAdmin(app)
    const refused = await app.inject({ method: 'POST', url: '/api/device/sign-out', headers: { authorization: `Bearer ${admin}` } })
    expect(refused.statusCode).toBe(403)
  })
})
