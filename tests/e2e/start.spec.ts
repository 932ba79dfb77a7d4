import { expect, test } from '@playwright/test'
import { startEndpoint, tempDir } from './endpoint'

test('npm start serves the app and the API, and stops cleanly on SIGTERM', async ({ request }) => {
  test.setTimeout(180_000)
  const endpoint = await startEndpoint('start.ts', 4175, { DATA_DIR: tempDir('giao-uoc-start-') })
  try {
    expect(endpoint.output()).toContain('Giao Ước is running: open http://localhost:4175')
    // Not a terminal: plain text, no colour codes.
    expect(endpoint.output()).not.toMatch(/\x1b\[/)
    const health = await request.get(`${endpoint.url}/api/health`)
    expect(await health.json()).toMatchObject({ status: 'ok' })
    const page = await request.get(`${endpoint.url}/settings`, { headers: { accept: 'text/html' } })
    expect(page.status()).toBe(200)
    expect(await page.text()).toContain('<link rel="manifest" href="/manifest.webmanifest">')
  } finally {
    expect(await endpoint.stop()).toBe(0)
  }
})
