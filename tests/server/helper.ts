import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeEach } from 'vitest'
import { buildApp, type App } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createEnrollmentCode } from '../../server/services/enrollment'

type Cleanup = () => Promise<void> | void
const cleanups: Cleanup[] = []
const fileCleanups: Cleanup[] = []
// Set from a test's first `beforeEach` to its last `afterEach`: a `beforeAll` of a later `describe` runs outside.
let inTest = false

beforeEach(() => {
  inTest = true
})
afterEach(async () => {
  inTest = false
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})
afterAll(async () => {
  for (const cleanup of fileCleanups.splice(0).reverse()) await cleanup()
})

/** Undo after the test that made it, or after the file for what a `beforeAll` made for every test. */
function later(cleanup: Cleanup): void {
  ;(inTest ? cleanups : fileCleanups).push(cleanup)
}

/** A fresh folder under the system's temp dir, removed after the test (or the file). */
export function tempDir(prefix = 'giao-uoc-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  later(() => fs.rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Files of a small built app: a page, a hashed asset, the worker and the manifest. */
export function fakeBuiltApp(): string {
  const dir = tempDir('giao-uoc-dist-')
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Giao Ước</title><div id="app"></div>')
  fs.writeFileSync(path.join(dir, 'assets', 'index-AbC123.js'), 'console.log("app")')
  fs.writeFileSync(path.join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {})')
  fs.writeFileSync(path.join(dir, 'manifest.webmanifest'), '{"name":"Giao Ước"}')
  return dir
}

/** The endpoint in-process, on a real SQLite file in a temp folder, closed after the test (or the file). */
export async function buildTestApp(env: NodeJS.ProcessEnv = {}): Promise<App> {
  // Without last year's demo reports unless a test asks: most count what they pushed themselves.
  const config = loadConfig({ DATA_DIR: tempDir(), APP_DIR: fakeBuiltApp(), SEED_DEMO_LAST_YEAR: 'false', SEED_DEMO_THIS_YEAR: 'false', UNIT_FIGURES_MAX_AGE_MS: '0', ...env })
  const app = await buildApp(config, { logStream: false })
  later(() => app.close())
  return app
}

/** Enroll a phone for the named member; answers its Authorization header. */
export async function enrolledAs(app: App, name: string): Promise<{ authorization: string }> {
  const member = await app.db.selectFrom('member').select('id').where('name', '=', name).executeTakeFirstOrThrow()
  const { code } = await createEnrollmentCode(app.db, 'endpoint', member.id, { publicUrl: '' })
  const response = await app.inject({ method: 'POST', url: '/api/enroll', payload: { code, deviceName: 'Máy thử' } })
  return { authorization: `Bearer ${response.json<{ deviceToken: string }>().deviceToken}` }
}
