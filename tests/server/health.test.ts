import { describe, expect, it } from 'vitest'
import pkg from '../../package.json' with { type: 'json' }
import { buildTestApp, onPostgres } from './helper'

describe('GET /api/health', () => {
  it('answers ok with the version and the migrated database', async () => {
    const app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/api/health' })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toEqual({
      status: 'ok',
      version: pkg.version,
      database: { status: 'ok', dialect: onPostgres ? 'postgres' : 'sqlite', migration: '0014-blocs' },
    })
  })

  it('answers 503 when the database does not', async () => {
    const app = await buildTestApp()
    await app.db.destroy()
    const response = await app.inject({ method: 'GET', url: '/api/health' })
    expect(response.statusCode).toBe(503)
    expect(response.json()).toMatchObject({ status: 'error', database: { status: 'error' } })
  })
})
