import { defineConfig } from '@playwright/test'
import { phone } from '../../playwright.config'

/** The fault suite: the real endpoint behind a fault-injecting proxy, the app in Chromium. */
export default defineConfig({
  testDir: '.',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 180_000,
  reporter: [['list']],
  use: phone,
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
