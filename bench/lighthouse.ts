import * as chromeLauncher from 'chrome-launcher'
import lighthouse from 'lighthouse'
import { median, type Figure } from './figure'
import { chromiumArgs, chromiumPath, machineLoad, withRig } from './phone'

const RUNS = 5

interface Audit {
  score: number
  metrics: string
  chromium: string
}

/**
 * Lighthouse's mobile performance score of the page a cadre opens first: `/` on a phone not
 * yet enrolled (the app moves on to `/enroll`), served by the real endpoint. Each run in a
 * fresh headless Chromium, with Lighthouse's default mobile emulation and simulated throttling.
 */
export function run(): Promise<Figure[]> {
  return withRig(async (rig) => {
    const url = `http://localhost:${rig.endpointPort}/`
    const load = machineLoad()
    const audits: Audit[] = []
    for (let i = 0; i < RUNS; i++) audits.push(await audit(url))
    return [
      {
        name: 'lighthouse',
        value: median(audits.map((item) => item.score)),
        unit: 'score',
        budget: { min: 95 },
        conditions:
          `Lighthouse 12.2.3 (performance only, mobile, simulated throttling) with ${audits[0]?.chromium ?? 'Chromium'} headless, a fresh profile each run; / of the endpoint (dist/), phone not enrolled; ` +
          `median of ${RUNS}: ${audits.map((item) => `${item.score} (${item.metrics})`).join(', ')}; ${load}`,
      },
    ]
  })
}

async function audit(url: string): Promise<Audit> {
  const chrome = await chromeLauncher.launch({ chromePath: chromiumPath, chromeFlags: ['--headless', ...chromiumArgs], logLevel: 'silent' })
  try {
    const result = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error', onlyCategories: ['performance'] })
    const lhr = result?.lhr
    if (!lhr || lhr.runtimeError) throw new Error(`Lighthouse could not audit ${url}: ${lhr?.runtimeError?.message ?? 'no result'}`)
    const score = lhr.categories.performance?.score
    if (typeof score !== 'number') throw new Error(`Lighthouse gave no performance score for ${url}`)
    const ms = (id: string) => Math.round(lhr.audits[id]?.numericValue ?? Number.NaN)
    // The user agent says 156.0.0.0 (reduced); the browser's own endpoint gives the full version.
    const version = ((await (await fetch(`http://127.0.0.1:${chrome.port}/json/version`)).json()) as { Browser: string }).Browser
    return {
      score: Math.round(score * 100),
      metrics: `FCP ${ms('first-contentful-paint')} ms, LCP ${ms('largest-contentful-paint')} ms, TBT ${ms('total-blocking-time')} ms`,
      chromium: version.replace(/^\w*Chrome\//, 'Chromium '),
    }
  } finally {
    chrome.kill()
  }
}
