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
  // Each run empties its output folder: each store has its own, beside the table both add to (test-results/faults.json).
  outputDir: `../../test-results/faults-${process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite'}`,
  use: phone,
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
