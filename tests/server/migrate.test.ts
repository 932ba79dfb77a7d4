import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { buildTestApp, onPostgres, tempDir, testDatabase } from './helper'

const run = promisify(execFile)

describe('npm run migrate', () => {
  it('brings a new database to the latest migration without starting the endpoint, which then starts on it', async () => {
    const env = { DATA_DIR: tempDir(), DATABASE_URL: await testDatabase({ empty: true }) }
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/migrate-cli.ts'], { env: { ...process.env, ...env } })
    expect(stdout).toContain(`${onPostgres ? 'PostgreSQL' : 'SQLite'}`)
    expect(stdout).toContain('is at migration 0014-blocs')
    const app = await buildTestApp(env)
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json()).toMatchObject({ database: { status: 'ok', migration: '0014-blocs' } })
  }, 60_000)
})
