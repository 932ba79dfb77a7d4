import type { BrowserContext, Page } from '@playwright/test'
import { median, type Figure } from './figure'
import { machineLoad, throttleCpu, withPhone, withRig } from './phone'

const RUNS = 7
/** Marks of src/composables/marks.ts and public/first-screen.js (the tests' project takes no files from src/). */
const READY = 'giao-uoc:ready'
const PAINTED = 'giao-uoc:first-screen'
/** The key under which the app keeps its first screen (src/composables/first-screen.ts). */
const FIRST_SCREEN_KEY = 'giao-uoc.first-screen'
/** The floor's page: a small file the service worker holds, opened as a page. */
const FLOOR_PATH = '/first-screen.js'

/** A new tab, with the service worker stopped, the CPU slowed 4×: the app opened again on a slow phone. */
async function coldTab(context: BrowserContext): Promise<Page> {
  const tab = await context.newPage()
  const cdp = await context.newCDPSession(tab)
  await cdp.send('ServiceWorker.enable')
  await cdp.send('ServiceWorker.stopAllWorkers')
  await throttleCpu(tab, 4)
  return tab
}

const markAt = (tab: Page, mark: string) => tab.evaluate((name) => performance.getEntriesByName(name)[0]?.startTime ?? null, mark)

/** From navigation to the first screen with the phone's data, painted from the saved screen or by the app; and to the app's own. */
async function start(context: BrowserContext, url: string, saved: boolean): Promise<{ shown: number; app: number; painted: boolean }> {
  const tab = await coldTab(context)
  if (!saved) await tab.addInitScript((key) => localStorage.removeItem(key), FIRST_SCREEN_KEY)
  await tab.goto(`${url}/`, { waitUntil: 'commit' })
  await tab.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY, { timeout: 60_000 })
  const path = new URL(tab.url()).pathname
  if (path !== '/') throw new Error(`the offline start ended on ${path}, not on the enrolled phone's first screen`)
  const app = (await markAt(tab, READY)) ?? Number.NaN
  const painted = await markAt(tab, PAINTED)
  if (saved && painted === null) throw new Error('the saved first screen was not painted')
  await tab.close()
  return { shown: Math.min(app, painted ?? Infinity), app, painted: painted !== null }
}

/** The floor: a file the service worker holds opened as a page, to its DOMContentLoaded. */
async function floor(context: BrowserContext, url: string): Promise<number> {
  const tab = await coldTab(context)
  await tab.goto(`${url}${FLOOR_PATH}`, { waitUntil: 'domcontentloaded' })
  const time = await tab.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined)?.domContentLoadedEventEnd ?? Number.NaN)
  await tab.close()
  return time
}

/**
 * The installed app opened with no network on a slow phone: from navigation start to the first
 * screen with the phone's data (the commune list), every file from the service worker, the
 * service worker stopped and the CPU slowed 4×; beside it, in the same run and the same way, its
 * floor (a page the service worker serves and nothing else) and the app without its saved first
 * screen. Runs alternate between the three, `RUNS` of each.
 */
export function run(): Promise<Figure[]> {
  return withRig((rig) =>
    withPhone(rig, async ({ browser, context, page }) => {
      // The commune list, shown once with the network, is saved for the next start.
      await page.waitForFunction((key) => localStorage.getItem(key) !== null, FIRST_SCREEN_KEY, { timeout: 30_000 })
      await context.setOffline(true)
      await page.close()
      const floors: number[] = []
      const withSaved: number[] = []
      const appWithSaved: number[] = []
      const appAlone: number[] = []
      for (let run = 0; run < RUNS; run++) {
        floors.push(await floor(context, rig.url))
        const saved = await start(context, rig.url, true)
        withSaved.push(saved.shown)
        appWithSaved.push(saved.app)
        appAlone.push((await start(context, rig.url, false)).app)
      }
      const value = Math.round(median(withSaved))
      const base = Math.round(median(floors))
      const list = (values: number[]) => values.map(Math.round).join(', ')
      const setup = `Chromium ${browser.version()}, phone enrolled (service worker in control), then offline; each run a new tab, service worker stopped, CPU slowed 4× (DevTools); median of ${RUNS}, runs alternating floor, start, start without the saved screen; ${machineLoad()}`
      return [
        {
          name: 'cold-start-offline',
          value,
          unit: 'ms',
          budget: { max: 1000 },
          conditions: `goto('/') to the commune list on screen: the saved first screen painted by public/first-screen.js (performance.mark('${PAINTED}')) or the app's own (performance.mark('${READY}')), whichever came first: ${list(withSaved)} ms; ${setup}`,
        },
        {
          name: 'cold-start-offline.floor',
          value: base,
          unit: 'ms',
          budget: null,
          conditions: `goto('${FLOOR_PATH}') to its DOMContentLoaded: a file the service worker serves, opened as a page, nothing run: ${list(floors)} ms; ${setup}`,
        },
        {
          name: 'cold-start-offline.ratio',
          value: Number((value / base).toFixed(2)),
          unit: '× floor',
          budget: { max: 3 },
          conditions: 'cold-start-offline / cold-start-offline.floor, same run',
        },
        {
          name: 'cold-start-offline.app',
          value: Math.round(median(appAlone)),
          unit: 'ms',
          budget: null,
          conditions: `goto('/') to the app's own first screen (performance.mark('${READY}')) with no saved screen: ${list(appAlone)} ms; with the saved screen painted first, the app took over at ${list(appWithSaved)} ms; ${setup}`,
        },
      ]
    }),
  )
}
