import { describe, expect, it } from 'vitest'
import { buildTestApp } from './helper'

/**
 * Every answer carries the security headers: a strict Content-Security-Policy (scripts from the
 * app's own origin only, no framing, no other origin to talk to), no MIME sniffing, a referrer
 * kept to the site; HSTS only when the bloc serves the app over HTTPS.
 */

const policyOf = (header: unknown) =>
  new Map(
    String(header)
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .map(([name = '', ...values]) => [name, values]),
  )

describe('security headers', () => {
  it('are on the app’s page, its files, the API and its errors', async () => {
    const app = await buildTestApp()
    for (const [url, accept] of [
      ['/', 'text/html'],
      ['/reports/123', 'text/html'],
      ['/api/health', 'application/json'],
      ['/api/nothing-here', 'application/json'],
      ['/api/pull', 'application/json'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url, headers: { accept } })
      const policy = policyOf(response.headers['content-security-policy'])
      expect(policy.get('default-src'), url).toEqual(["'self'"])
      expect(policy.get('script-src'), url).toEqual(["'self'"])
      expect(policy.get('connect-src'), url).toEqual(["'self'"])
      expect(policy.get('frame-ancestors'), url).toEqual(["'none'"])
      expect(policy.get('object-src'), url).toEqual(["'none'"])
      expect(response.headers['x-content-type-options'], url).toBe('nosniff')
      expect(response.headers['referrer-policy'], url).toBe('same-origin')
      expect(response.headers['strict-transport-security'], url).toBeUndefined()
    }
  })

  it('include HSTS when the app is served over HTTPS', async () => {
    const app = await buildTestApp({ PUBLIC_URL: 'https://giaouoc.example.vn' })
    const response = await app.inject({ method: 'GET', url: '/api/health' })
    expect(response.headers['strict-transport-security']).toBe('max-age=31536000')
  })
})
