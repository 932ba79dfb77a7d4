import { defineConfig } from '@playwright/test'
import { chromiumArgs, chromiumPath } from '../../playwright.config'

/** The fault suite: the real endpoint behind a fault-injecting proxy, the app in Chromium. */
export default defineConfig({
  testDir: '.',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 180_000,
  reporter: [['list']],
  use: {
    serviceWorkers: 'allow',
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
    locale: 'vi-VN',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
})
