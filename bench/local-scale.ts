import { seedQueue } from '../tests/faults/rig'
import { median, type Figure } from './figure'
import { machineLoad, withPhone, withRig } from './phone'

const REPORTS = 10_000
const RUNS = 5
/** `MARKS.reportsListed` of src/composables/marks.ts (the tests' project takes no files from src/). */
const LISTED = 'giao-uoc:reports-listed'

/**
 * Ten thousand reports on the phone: from tapping "Báo cáo" in the bottom navigation to the
 * list's first page on screen (the mark the list sets), offline, median of five.
 */
export function run(): Promise<Figure[]> {
  return withRig((rig) =>
    withPhone(rig, async ({ browser, context, page }) => {
      await context.setOffline(true)
      await seedQueue(page, { reports: REPORTS })
      const nav = page.getByRole('navigation')
      const times: number[] = []
      for (let run = 0; run < RUNS; run++) {
        await nav.getByRole('link', { name: 'Xã phụ trách' }).click()
        await page.getByRole('heading', { level: 1, name: 'Xã phụ trách' }).waitFor()
        // From the tap's own time (the click event's), not from when Playwright was asked to tap.
        await page.evaluate(() => {
          const link = document.querySelector('nav a[href="/reports"]')
          link?.addEventListener('click', (event) => performance.mark('bench:tap', { startTime: event.timeStamp }), { capture: true, once: true })
        })
        await nav.getByRole('link', { name: 'Báo cáo' }).click()
        times.push(
          await page.evaluate(async (listed) => {
            for (;;) {
              const tap = performance.getEntriesByName('bench:tap').at(-1)?.startTime
              const mark = tap === undefined ? undefined : performance.getEntriesByName(listed).find((entry) => entry.startTime > tap)
              if (tap !== undefined && mark) {
                performance.clearMarks('bench:tap')
                return mark.startTime - tap
              }
              await new Promise((resolve) => setTimeout(resolve, 5))
            }
          }, LISTED),
        )
      }
      const load = machineLoad()
      return [
        {
          name: 'local-scale',
          value: Math.round(median(times)),
          unit: 'ms',
          budget: { max: 100 },
          conditions: `Chromium ${browser.version()}, no CPU slowdown, ${REPORTS.toLocaleString('en')} queued reports in IndexedDB (seedQueue's, all of one visit day), offline; from the commune list, from the click on "Báo cáo" (its event time) to the list's mark after its first page (50) is rendered; median of ${RUNS}: ${times.map(Math.round).join(', ')} ms; ${load}`,
        },
      ]
    }),
  )
}
