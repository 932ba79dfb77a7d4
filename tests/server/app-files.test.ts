import { describe, expect, it } from 'vitest'
import { cacheControlFor } from '../../server/plugins/app-files'
import { buildTestApp, tempDir } from './helper'

const page = { accept: 'text/html,application/xhtml+xml' }

describe('serving the built app', () => {
  it.each([
    ['assets/index-AbC123.js', 'public, max-age=31536000, immutable'],
    ['index.html', 'no-cache'],
    ['sw.js', 'no-cache'],
    ['manifest.webmanifest', 'no-cache'],
    ['icons/icon-192.png', 'no-cache'],
  ])('%s is cached with %s', (file, expected) => {
    expect(cacheControlFor(file)).toBe(expected)
  })

  it.each([
    ['/', 'no-cache', 'text/html'],
    ['/index.html', 'no-cache', 'text/html'],
    ['/sw.js', 'no-cache', 'javascript'],
    ['/manifest.webmanifest', 'no-cache', 'manifest+json'],
    ['/assets/index-AbC123.js', 'public, max-age=31536000, immutable', 'javascript'],
  ])('GET %s answers with cache-control %s', async (url, cacheControl, type) => {
    const app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe(cacheControl)
    expect(response.headers['content-type']).toContain(type)
  })

  it('answers a deep link with the app page, so the router can show it', async () => {
    const app = await buildTestApp()
    const response = await app.inject({ method: 'GET', url: '/settings?tab=1', headers: page })
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-cache')
    expect(response.body).toContain('<div id="app">')
  })

  it.each([
    ['GET', '/api/unknown', page],
    ['GET', '/api', page],
    ['POST', '/api/reports', {}],
    ['GET', '/assets/index-Old999.js', {}],
  ] as const)('%s %s is a JSON 404, never the app page', async (method, url, headers) => {
    const app = await buildTestApp()
    const response = await app.inject({ method, url, headers })
    expect(response.statusCode).toBe(404)
    expect(response.json()).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'not_found' })
  })

  it('says how to build the app when it is missing, and still answers the API', async () => {
    const app = await buildTestApp({ APP_DIR: tempDir() })
    const pageResponse = await app.inject({ method: 'GET', url: '/', headers: page })
    expect(pageResponse.statusCode).toBe(503)
    expect(pageResponse.body).toContain('npm run build')
    const health = await app.inject({ method: 'GET', url: '/api/health' })
    expect(health.statusCode).toBe(200)
  })
})
