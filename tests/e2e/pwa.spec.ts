import { expect, test } from '@playwright/test'
import { expectHeading, openControlled } from './helpers'

/** Width and height from a PNG's header. */
function pngSize(bytes: Buffer): string {
  expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG')
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`
}

test('the manifest is linked, Vietnamese and installable', async ({ page, request }) => {
  await page.goto('/')
  await expect(page.locator('link[rel="manifest"]')).toHaveCount(1)
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(href).toBe('/manifest.webmanifest')

  const response = await request.get(href!)
  expect(response.ok()).toBe(true)
  expect(response.headers()['content-type']).toContain('application/manifest+json')
  const manifest = (await response.json()) as Record<string, unknown> & {
    icons: { src: string; sizes: string; purpose?: string }[]
    shortcuts: { url: string; name: string }[]
  }
  expect(manifest).toMatchObject({
    lang: 'vi',
    name: 'Giao Ước – Báo cáo thi đua từ cơ sở',
    short_name: 'Giao Ước',
    display: 'standalone',
    start_url: '/',
    scope: '/',
    theme_color: '#8e1b1b',
    background_color: '#f7f4ef',
  })
  expect(String(manifest.description)).toContain('không có mạng')
  expect(manifest.shortcuts[0]).toMatchObject({ name: 'Báo cáo mới', url: '/reports/new' })

  const purposes = manifest.icons.map((icon) => `${icon.sizes} ${icon.purpose ?? 'any'}`)
  expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']))
  for (const icon of manifest.icons) {
    const image = await request.get(icon.src)
    expect(image.headers()['content-type'], icon.src).toBe('image/png')
    expect(pngSize(await image.body()), icon.src).toBe(icon.sizes)
  }
})

test('the endpoint answers its health check while online', async ({ request }) => {
  const response = await request.get('/api/health')
  expect(response.status()).toBe(200)
  expect(await response.json()).toMatchObject({ status: 'ok', database: { status: 'ok', migration: expect.stringMatching(/^\d{4}-[a-z-]+$/) } })
})

test('the service worker takes control and the app opens with the network cut', async ({ page, context }) => {
  // A phone not yet enrolled opens on the enrollment screen.
  await openControlled(page)
  await expectHeading(page, 'Đăng ký thiết bị')

  await context.setOffline(true)
  await page.reload()
  await expectHeading(page, 'Đăng ký thiết bị')
  await expect(page.getByTestId('network-status')).toHaveText('Không có mạng')

  // A deep link typed or opened from a bookmark while offline.
  await page.goto('/settings')
  await expectHeading(page, 'Cài đặt')
  await page.goto('/enroll')
  await expectHeading(page, 'Đăng ký thiết bị')
  await expect(page.getByText('Cần có mạng để đăng ký thiết bị.')).toBeVisible()

  // The app shell never answers for the API: offline, an API call fails instead of getting HTML.
  const apiAnswer = await page.evaluate(() =>
    fetch('/api/health').then(
      (response) => response.headers.get('content-type'),
      () => 'network error',
    ),
  )
  expect(apiAnswer).toBe('network error')

  await context.setOffline(false)
  await expect(page.getByTestId('network-status')).toHaveText('Đã kết nối')
})

test('API paths are never answered with the app page, even once the worker is in control', async ({ page }) => {
  await openControlled(page)
  const answer = await page.evaluate(() =>
    fetch('/api/nothing-here', { headers: { accept: 'text/html' } }).then((response) => ({
      status: response.status,
      type: response.headers.get('content-type'),
    })),
  )
  expect(answer.status).toBe(404)
  expect(answer.type).toContain('application/json')
})
