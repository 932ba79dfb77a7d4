import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../server/app'
import { loggedRequest } from '../../server/http'
import { loadConfig } from '../../server/config'
import { readConfig } from '../../server/server'
import type { EnrollmentCodeResponse } from '../../src/protocol'
import { buildTestApp, enrolledAs, fakeBuiltApp, tempDir } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * Secrets and files: the admin's first password leaves the environment once read; no token or
 * code reaches the log, even pasted into an address; the data folder and database are the
 * endpoint's user's alone.
 */

describe('the admin password', () => {
  it('leaves the environment once the settings are read', () => {
    const env: NodeJS.ProcessEnv = { DATA_DIR: tempDir(), ADMIN_PASSWORD: 'mật khẩu đầu tiên rất dài' }
    expect(readConfig(env).ADMIN_PASSWORD).toBe('mật khẩu đầu tiên rất dài')
    expect(env).not.toHaveProperty('ADMIN_PASSWORD')
  })
})

describe('an enrollment code', () => {
  it('not used yet can be withdrawn: it no longer enrolls a phone, and a phone already enrolled keeps working', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD })
    const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
    const cadre = await app.db.selectFrom('member').select('id').where('name', '=', 'Lý Thị Dua').executeTakeFirstOrThrow()
    const enrolled = await enrolledAs(app, 'Lý Thị Dua')
    const code = (await app.inject({ method: 'POST', url: '/api/enrollment-codes', headers: admin, payload: { memberId: cadre.id } })).json<EnrollmentCodeResponse>()
    const withdrawn = await app.inject({ method: 'POST', url: `/api/members/${cadre.id}/enrollment-codes/revoke`, headers: admin })
    expect(withdrawn.json()).toEqual({ revoked: 1 })
    const enroll = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code: code.code, deviceName: 'Máy nhặt được' } })
    expect(enroll.statusCode).toBe(410)
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers: enrolled })).statusCode).toBe(200)
    expect((await app.inject({ method: 'POST', url: `/api/members/${cadre.id}/enrollment-codes/revoke`, headers: admin })).json()).toEqual({ revoked: 0 })
  })
})

describe('the log', () => {
  it('blanks tokens, codes and passwords in a query string, and keeps the rest', () => {
    expect(loggedRequest({ method: 'GET', url: '/api/pull?cursor=3&token=gud_secret&access_token=x&code=ABCD-EFGH' })).toEqual({
      method: 'GET',
      url: '/api/pull?cursor=3&token=REDACTED&access_token=REDACTED&code=REDACTED',
    })
    expect(loggedRequest({ method: 'GET', url: '/api/health' })).toEqual({ method: 'GET', url: '/api/health' })
  })

  it('never holds a bearer token or a token sent in the address', async () => {
    const lines: string[] = []
    const config = loadConfig({ DATA_DIR: tempDir(), APP_DIR: fakeBuiltApp(), SEED_DEMO_LAST_YEAR: 'false', SEED_DEMO_THIS_YEAR: 'false', LOG_LEVEL: 'info' })
    const app = await buildApp(config, { logStream: { write: (line) => void lines.push(line) } })
    try {
      await app.inject({ method: 'GET', url: '/api/pull?cursor=0&token=gud_in_the_address', headers: { authorization: 'Bearer gud_in_the_header' } })
      await app.inject({ method: 'POST', url: '/api/enroll?code=K7QX-2M9P', payload: { code: 'K7QX-2M9P', deviceName: 'Máy', requestId: crypto.randomUUID() } })
    } finally {
      await app.close()
    }
    const log = lines.join('')
    expect(log).toContain('/api/pull?cursor=0&token=REDACTED')
    expect(log).not.toContain('gud_in_the_address')
    expect(log).not.toContain('gud_in_the_header')
    expect(log).not.toContain('K7QX-2M9P')
  })
})

describe('the data folder', () => {
  it('is the endpoint user’s alone, the database too, even one made by an earlier install', async () => {
    const dataDir = tempDir()
    fs.chmodSync(dataDir, 0o755)
    const port = 4400 + Math.floor(Math.random() * 500)
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/server.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        APP_DIR: fakeBuiltApp(),
        SEED_DEMO_LAST_YEAR: 'false',
        SEED_DEMO_THIS_YEAR: 'false',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    try {
      const started = Date.now()
      while (!output.includes('Giao Ước is running')) {
        if (child.exitCode !== null || Date.now() - started > 60_000) throw new Error(`the endpoint did not start:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const mode = (file: string) => fs.statSync(file).mode & 0o777
      expect(mode(dataDir)).toBe(0o700)
      expect(mode(path.join(dataDir, 'giao-uoc.sqlite'))).toBe(0o600)
      for (const entry of fs.readdirSync(dataDir)) expect(mode(path.join(dataDir, entry)) & 0o077, entry).toBe(0)
    } finally {
      child.kill('SIGTERM')
    }
  }, 90_000)
})
