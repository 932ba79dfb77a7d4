import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { defineConfig } from '@playwright/test'

/** The machine's Chromium (`tests/e2e/ensure-chromium.mjs` makes sure it is there). */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const chromiumArgs = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']

/** A cheap Android phone held upright, in Vietnamese, in the machine's Chromium. */
export const phone = {
  serviceWorkers: 'allow',
  viewport: { width: 360, height: 740 },
  hasTouch: true,
  isMobile: true,
  locale: 'vi-VN',
  trace: 'retain-on-failure',
  launchOptions: { executablePath: chromiumPath, args: chromiumArgs },
} as const

/** The phone for a browser context a test opens itself: its settings, less the runner's own (launch options, trace). */
export const phoneContext = (({ launchOptions, trace, ...settings }: typeof phone) => {
  void launchOptions
  void trace
  return settings
})(phone)

const port = Number(process.env.E2E_PORT ?? 4173)
// Set once in the runner; its workers inherit it, so every process agrees on one folder.
process.env.E2E_DATA_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), 'giao-uoc-e2e-'))

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: { baseURL: `http://localhost:${port}`, ...phone },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node --import tsx server/server.ts',
    url: `http://localhost:${port}/api/health`,
    env: { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: process.env.E2E_DATA_DIR, LOG_LEVEL: 'warn', SEED_DEMO_THIS_YEAR: 'false', UNIT_FIGURES_MAX_AGE_MS: '0' },
    reuseExistingServer: false,
    timeout: 60_000,
  },
})
