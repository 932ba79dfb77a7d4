import { median, type Figure } from './figure'
import { machineLoad, throttleCpu, withPhone, withRig } from './phone'

const RUNS = 5
/** `MARKS.ready` of src/composables/marks.ts (the tests' project takes no files from src/). */
const READY = 'giao-uoc:ready'

/**
 * The installed app opened with no network on a slow phone: from navigation start to the
 * app's ready mark (the first screen shows the phone's data), every file from the service
 * worker, the CPU slowed 4×; median of five.
 */
export function run(): Promise<Figure[]> {
  return withRig((rig) =>
    withPhone(rig, async ({ browser, context, page }) => {
      await context.setOffline(true)
      await page.close()
      const times: number[] = []
      for (let run = 0; run < RUNS; run++) {
        // Each start in a new tab with the service worker stopped, as when the app is opened again.
        const tab = await context.newPage()
        const cdp = await context.newCDPSession(tab)
        await cdp.send('ServiceWorker.enable')
        await cdp.send('ServiceWorker.stopAllWorkers')
        await throttleCpu(tab, 4)
        await tab.goto(`${rig.url}/`, { waitUntil: 'commit' })
        await tab.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY, { timeout: 60_000 })
        const path = new URL(tab.url()).pathname
        if (path !== '/') throw new Error(`the offline start ended on ${path}, not on the enrolled phone's first screen`)
        times.push(await tab.evaluate((mark) => performance.getEntriesByName(mark)[0]?.startTime ?? Number.NaN, READY))
        await tab.close()
      }
      return [
        {
          name: 'cold-start-offline',
          value: Math.round(median(times)),
          unit: 'ms',
          budget: { max: 1000 },
          conditions: `Chromium ${browser.version()}, phone enrolled (service worker in control), then offline; each run a new tab, service worker stopped, CPU slowed 4× (DevTools), goto('/') to performance.mark('${READY}'); median of ${RUNS}: ${times.map(Math.round).join(', ')} ms; ${machineLoad()}`,
        },
      ]
    }),
  )
}
