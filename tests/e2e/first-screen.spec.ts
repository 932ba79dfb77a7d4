import { expect, test } from '@playwright/test'
import { phoneContext } from '../../playwright.config'
import { Rig } from '../faults/rig'

// A slow phone shows its communes at once: the commune list the app last showed is painted
// before the app's code has loaded, and a tap made meanwhile is followed once it has.
let rig: Rig

test.beforeAll(async () => {
  rig = new Rig()
  await rig.start()
})

test.afterAll(async () => {
  await rig.stop()
})

test('the saved commune list shows before the app has loaded, and a commune tapped meanwhile opens once it has', async ({ browser }) => {
  // No service worker, so that the test can hold the app's code back on its way.
  const context = await browser.newContext({ ...phoneContext, serviceWorkers: 'block' })
  const page = await context.newPage()
  await page.goto(rig.link)
  await expect(page.getByRole('heading', { level: 1, name: 'Xã phụ trách' })).toBeVisible({ timeout: 30_000 })
  const names = page.getByTestId('commune-list').locator('.commune__name')
  await expect(names.first()).toBeVisible()
  const communes = await names.allTextContents()
  await page.waitForFunction(() => localStorage.getItem('giao-uoc.first-screen') !== null)

  let release = () => undefined as void
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route(/\/assets\/index-[^/]+\.js$/, async (route) => {
    await held
    await route.continue()
  })
  await page.goto(`${rig.url}/`, { waitUntil: 'commit' })
  await expect(page.getByRole('heading', { level: 1, name: 'Xã phụ trách' })).toBeVisible()
  await expect(names).toHaveText(communes)
  await expect(page.locator('#app')).toHaveAttribute('aria-busy', 'true')
  // What is true only for a moment is left out until the app says it.
  await expect(page.getByTestId('network-status')).toHaveCount(0)
  expect(await page.evaluate(() => performance.getEntriesByName('giao-uoc:ready').length)).toBe(0)

  await names.first().click()
  expect(new URL(page.url()).pathname).toBe('/')
  release()
  await expect(page).toHaveURL(/\/communes\/[^/]+$/)
  await expect(page.getByRole('heading', { level: 1, name: communes[0] })).toBeVisible()
  await expect(page.locator('#app')).not.toHaveAttribute('aria-busy')
  await context.close()
})
