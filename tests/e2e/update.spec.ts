import fs from 'node:fs'
import { execFileSync } from 'node:child_process'
import { expect, test } from '@playwright/test'
import { startEndpoint, tempDir, type Endpoint } from './endpoint'
import { openControlled } from './helpers'

// A phone has the current version; the endpoint then starts serving a newer build.
const port = 4174
let endpoint: Endpoint
let served: string
let nextBuild: string

test.beforeAll(async () => {
  test.setTimeout(180_000)
  nextBuild = tempDir('giao-uoc-next-')
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--outDir', nextBuild, '--emptyOutDir', '--logLevel', 'error'], {
    env: { ...process.env, APP_BUILD: 'e2e-next' },
    stdio: 'inherit',
  })
  served = tempDir('giao-uoc-served-')
  fs.cpSync('dist', served, { recursive: true })
  endpoint = await startEndpoint('server.ts', port, { APP_DIR: served, DATA_DIR: tempDir('giao-uoc-update-data-') })
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

test('a newer build is offered through the update prompt and applied on reload', async ({ page }) => {
  await openControlled(page, `${endpoint.url}/settings`)
  const version = page.getByTestId('app-version')
  await expect(version).toBeVisible()
  expect(await version.innerText()).not.toContain('e2e-next')

  // Deploy the new build where the endpoint serves from, then let the phone look for it.
  fs.rmSync(served, { recursive: true, force: true })
  fs.cpSync(nextBuild, served, { recursive: true })
  await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration()
    await registration?.update()
  })

  const prompt = page.getByTestId('pwa-prompt')
  await expect(prompt).toContainText('Có phiên bản mới.')
  // The old version keeps running until the person chooses to reload.
  expect(await version.innerText()).not.toContain('e2e-next')

  await prompt.getByRole('button', { name: 'Tải lại' }).click()
  await expect(version).toContainText('bản dựng e2e-next')
  await expect(page.getByTestId('pwa-prompt')).toHaveCount(0)
})
