import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import type { AuditResponse, LoginResponse } from '../../src/protocol'
import { resetPassword } from '../../server/services/members'
import { buildTestApp, tempDir, testDatabase } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * Behind the reverse proxy the README recommends, every client reaches the endpoint from the
 * proxy's address. With TRUST_PROXY the limits on guessing count each real client apart: a
 * guesser never locks the admin out of their own network, nor stops everyone's enrollment. A
 * success does not wipe an address's count; an admin locked out (or who forgot) sets a new
 * password from the machine, which starts the name afresh.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
const run = promisify(execFile)
const from = (address: string) => ({ 'x-forwarded-for': address })
const login = (app: App, address: string, password: string, username = 'admin') =>
  app.inject({ method: 'POST', url: '/api/auth/login', headers: from(address), payload: { username, password } })

describe('behind a reverse proxy (TRUST_PROXY)', () => {
  it('a guesser’s wrong passwords for the admin never lock the admin out of their own network', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: '127.0.0.1' })
    for (let i = 0; i < 6; i++) await login(app, '203.0.113.9', `đoán sai ${i}`)
    expect((await login(app, '203.0.113.9', 'đoán sai nữa')).statusCode).toBe(429)
    expect((await login(app, '198.51.100.7', ADMIN_PASSWORD)).statusCode).toBe(200)
  })

  it('thirty wrong passwords from one client do not stop the others, and twenty wrong codes do not stop enrollment', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: '127.0.0.1' })
    for (let i = 0; i < 31; i++) await login(app, '203.0.113.9', 'sai', `nguoi${i}`)
    expect((await login(app, '198.51.100.7', ADMIN_PASSWORD)).statusCode).toBe(200)
    const enroll = (address: string) => app.inject({ method: 'POST', url: '/api/enroll', headers: from(address), payload: { code: 'AAAAA-BBBBB', deviceName: 'Máy' } })
    for (let i = 0; i < 21; i++) await enroll('203.0.113.9')
    expect((await enroll('203.0.113.9')).statusCode).toBe(429)
    expect((await enroll('198.51.100.7')).statusCode).toBe(404)
  })

  it('without it, the forwarded address is not believed: a client cannot pick its own', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD })
    for (let i = 0; i < 5; i++) await login(app, `203.0.113.${i}`, 'sai')
    expect((await login(app, '198.51.100.7', 'sai')).statusCode).toBe(429)
  })
})

describe('an address’s count', () => {
  it('is not wiped by a success there: thirty failures across names still make it wait', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: 'true' })
    for (let i = 0; i < 29; i++) await login(app, '203.0.113.9', 'sai', `nguoi${i}`)
    expect((await login(app, '203.0.113.9', ADMIN_PASSWORD)).statusCode).toBe(200)
    await login(app, '203.0.113.9', 'sai', 'nguoi-khac')
    expect((await login(app, '203.0.113.9', ADMIN_PASSWORD)).statusCode).toBe(429)
  })
})

describe('a locked-out admin', () => {
  it('gets a new password from the machine, which logs in at once where the old count stood, audited; the old sessions end', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD, TRUST_PROXY: 'true' })
    const before = await logIn(app, 'admin', ADMIN_PASSWORD)
    for (let i = 0; i < 5; i++) await login(app, '198.51.100.7', 'quên mất')
    expect((await login(app, '198.51.100.7', ADMIN_PASSWORD)).statusCode).toBe(429)
    const { password } = await resetPassword(app.db)
    expect((await login(app, '198.51.100.7', password)).statusCode).toBe(200)
    expect((await app.inject({ method: 'GET', url: '/api/audit', headers: before })).statusCode).toBe(401)
    const admin = await logIn(app, 'admin', password)
    const { entries } = (await app.inject({ method: 'GET', url: '/api/audit', headers: admin })).json<AuditResponse>()
    expect(entries[0]).toMatchObject({ action: 'member.update', details: { password: 'reset from the endpoint’s machine' } })
  })

  it('runs from npm, printing the new password once', async () => {
    const env = { DATA_DIR: tempDir(), DATABASE_URL: await testDatabase() }
    const app = await buildTestApp({ ...env, ADMIN_PASSWORD })
    await app.close()
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', 'reset-password'], { env: { ...process.env, ...env } })
    const password = /New password for .*: (\S+)/.exec(stdout)?.[1] ?? ''
    expect(password).toHaveLength(16)
  }, 60_000)

  it('makes an account of the province’s office from npm, printing its password once; a name in use is refused', async () => {
    const env = { DATA_DIR: tempDir(), DATABASE_URL: await testDatabase() }
    const app = await buildTestApp({ ...env, ADMIN_PASSWORD })
    await app.close()
    const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', ...args], { env: { ...process.env, ...env } })
    const { stdout } = await cli('add-province', 'ThiDua.Tinh', 'Ban Thi đua – Khen thưởng tỉnh')
    const [, username = '', password = ''] = /Username: (\S+)\s+Password: (\S+)/.exec(stdout) ?? []
    expect(username).toBe('thidua.tinh')
    const again = await buildTestApp({ ...env, ADMIN_PASSWORD })
    const login = await again.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
    expect(login.json<LoginResponse>()).toMatchObject({ member: { role: 'province', name: 'Ban Thi đua – Khen thưởng tỉnh', unitId: null }, unit: null })
    await expect(cli('add-province', 'admin')).rejects.toThrow(/username is taken/)
  }, 60_000)
})
