import { setTimeout as sleep } from 'node:timers/promises'
import { seedQueue } from '../tests/faults/rig'
import type { Figure } from './figure'
import { machineLoad, withPhone, withRig } from './phone'

const CUT_EVERY = 1024 * 1024
const CHUNK = 256 * 1024
/** About 5 MB: seedQueue's drawing at this size and quality, with grain, within the 4096 px a side the endpoint takes. */
const PHOTO = { width: 4000, height: 3000, quality: 0.99, noise: true }
const UPLOAD = /^\/api\/uploads\/[^/]+$/

/**
 * One 5 MB photo queued on a phone with no network, then sent over a link the proxy cuts
 * after every 1 MB of upload: the bytes sent beyond the photo's own size.
 */
export function run(): Promise<Figure[]> {
  return withRig((rig) =>
    withPhone(rig, async ({ browser, context, page }) => {
      await context.setOffline(true)
      const seeded = await seedQueue(page, { reports: 1, photos: [1], photo: PHOTO })
      const size = seeded.photoBytes[0] ?? 0
      rig.proxy.cutUploadsEvery = CUT_EVERY
      const started = performance.now()
      await context.setOffline(false)
      while ((await rig.held(seeded.reportIds, seeded.photoIds)).photos.size < 1) {
        if (performance.now() - started > 90_000) throw new Error('the photo did not reach the endpoint within 90 s')
        await sleep(100)
      }
      const ms = performance.now() - started
      const patches = rig.proxy.seen.filter((entry) => entry.method === 'PATCH' && UPLOAD.test(entry.path))
      const sent = patches.reduce((sum, entry) => sum + entry.bodyBytes, 0)
      // 409: a copy Chromium made by itself of a request cut on a reused connection, refused by the endpoint at its headers.
      const refused = patches.filter((entry) => entry.status === 409)
      const cuts = patches.filter((entry) => entry.status === null || entry.status === 502).length
      return [
        {
          name: 'photo-resume',
          value: sent - size,
          unit: 'bytes',
          budget: { max: CHUNK },
          conditions:
            `PATCH body bytes at the proxy (${sent}) minus the photo's ${size} bytes; of them ${refused.reduce((sum, entry) => sum + entry.bodyBytes, 0)} in ${refused.length} PATCH answered 409; ` +
            `link cut after every ${CUT_EVERY} upload bytes (${cuts} cuts, ${patches.length} PATCH), received in ${Math.round(ms)} ms; Chromium ${browser.version()}, real endpoint behind the fault proxy on loopback; ${machineLoad()}`,
        },
      ]
    }),
  )
}
