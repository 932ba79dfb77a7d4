import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test'
import { phone } from '../playwright.config'
import { enroll, Rig } from '../tests/faults/rig'

// Importing playwright.config.ts makes an empty data folder for the test runner's endpoint,
// which no benchmark starts: remove it again.
const e2eDataDir = process.env.E2E_DATA_DIR
if (e2eDataDir && path.basename(e2eDataDir).startsWith('giao-uoc-e2e-') && fs.readdirSync(e2eDataDir).length === 0) {
  fs.rmdirSync(e2eDataDir)
  delete process.env.E2E_DATA_DIR
}

export { chromiumArgs, chromiumPath } from '../playwright.config'

export interface Phone {
  browser: Browser
  context: BrowserContext
  page: Page
}

/**
 * The fault suite's rig for the time `use` runs: a real endpoint process (`server/server.ts`),
 * or `processes` of them, on free ports and a fresh data folder with the demo bloc (on SQLite,
 * or a new database on the PostgreSQL server whose `postgres` database is `postgres`), behind
 * the fault proxy (no fault unless told). Then all is stopped and the folder removed.
 */
export async function withRig<T>(use: (rig: Rig) => Promise<T>, env: NodeJS.ProcessEnv = {}, processes = 1, postgres?: string): Promise<T> {
  const rig = new Rig(env, processes, postgres)
  try {
    await rig.start()
    return await use(rig)
  } finally {
    await rig.stop()
    fs.rmSync(rig.dataDir, { recursive: true, force: true })
  }
}

/**
 * A phone in the machine's Chromium with playwright.config.ts's `phone` settings (360×740
 * touch, Vietnamese, service workers), enrolled through the rig's link, the service worker in
 * control. The browser is closed after `use`.
 */
export async function withPhone<T>(rig: Rig, use: (phone: Phone) => Promise<T>): Promise<T> {
  const { launchOptions, trace, ...options } = phone
  void trace
  const browser = await chromium.launch({ ...launchOptions, args: [...launchOptions.args] })
  try {
    const context = await browser.newContext({ ...options, viewport: { ...options.viewport } })
    // tsx gives functions a `__name(…)` call, also inside those handed to page.evaluate: the page needs one too.
    await context.addInitScript({ content: 'globalThis.__name ??= (target) => target' })
    const page = await context.newPage()
    await enroll(page, rig.link)
    return await use({ browser, context, page })
  } finally {
    await browser.close()
  }
}

const sessions = new WeakMap<Page, Promise<CDPSession>>()

/**
 * Slow the page's CPU as a cheap phone's is, through the DevTools protocol (1: full speed). One
 * session per page, kept open: closing it would lift the slowdown.
 */
export async function throttleCpu(page: Page, rate: number): Promise<void> {
  const session = sessions.get(page) ?? page.context().newCDPSession(page)
  sessions.set(page, session)
  await (await session).send('Emulation.setCPUThrottlingRate', { rate })
}

/** How busy the shared machine was: other work on its cores slows every figure. */
export function machineLoad(): string {
  return `load ${(os.loadavg()[0] ?? 0).toFixed(1)} on ${os.cpus().length} cores`
}

/**
 * Slow every thread of the browser's renderer processes (the page's, its workers', the image
 * decoders') `rate` times, as a cheap phone's CPU is: each is let run one part of every 40 ms and
 * stopped (SIGSTOP) for the rest. DevTools' throttling reaches only a page's main thread: asked
 * to slow a worker it answers "Operation is only supported for pages, not workers". Returns the
 * function that lets them run at full speed again.
 */
export async function slowRenderers(browser: Browser, rate: number): Promise<() => void> {
  const session = await browser.newBrowserCDPSession()
  const { processInfo } = (await session.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] }
  await session.detach()
  const renderers = processInfo.filter((info) => info.type === 'renderer').map((info) => info.id)
  const signal = (name: NodeJS.Signals) => {
    for (const pid of renderers) {
      try {
        process.kill(pid, name)
      } catch {
        // A renderer that has gone needs no slowing.
      }
    }
  }
  const periodMs = 40
  let running = true
  let timer: ReturnType<typeof setTimeout>
  const cycle = () => {
    signal('SIGSTOP')
    timer = setTimeout(
      () => {
        signal('SIGCONT')
        if (running) timer = setTimeout(cycle, periodMs / rate)
      },
      periodMs - periodMs / rate,
    )
  }
  timer = setTimeout(cycle, periodMs / rate)
  return () => {
    running = false
    clearTimeout(timer)
    signal('SIGCONT')
  }
}
