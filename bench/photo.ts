import type { Page } from '@playwright/test'
import { median, type Figure } from './figure'
import { machineLoad, slowRenderers, throttleCpu, withPhone, withRig } from './phone'

const RUNS = 3

/** How the phone is slowed in each third of the runs. */
const MODES = ['phone', 'page', 'full'] as const

/**
 * A 12-megapixel camera JPEG through the app's photo pipeline, as a cadre adds it to a report:
 * from the file input's change to the photo shown in the form, on a phone 4× slower in every
 * thread (the renderer processes slowed by `slowRenderers`, the photo worker with them); and the
 * bytes the phone then keeps. The same is timed with DevTools' slowdown, which reaches only the
 * page's thread, and at full speed, to show where the time goes.
 */
export function run(): Promise<Figure[]> {
  return withRig((rig) =>
    withPhone(rig, async ({ browser, context, page }) => {
      await context.setOffline(true)
      await page.getByRole('link', { name: /Lũng Cú/ }).click()
      await page.getByRole('link', { name: 'Báo cáo mới' }).click()
      await page.getByLabel('Tóm tắt').fill('Đo thời gian xử lý ảnh')
      await page.getByTestId('save-state').filter({ hasText: 'Đã lưu trên máy' }).waitFor()

      const times: Record<(typeof MODES)[number], number[]> = { phone: [], page: [], full: [] }
      const sizes: number[] = []
      const inputs: number[] = []
      for (let run = 0; run < MODES.length * RUNS; run++) {
        const file = await cameraJpeg(page, run)
        inputs.push(file.length)
        const mode = MODES[Math.floor(run / RUNS)] ?? 'full'
        await page.evaluate((count) => {
          const shown = new Promise<number>((resolve) => {
            const gallery = document.querySelector('[data-testid="photo-gallery"]')
            gallery?.addEventListener('change', () => performance.mark('bench:photo-chosen'), { capture: true, once: true })
            const observer = new MutationObserver(() => {
              if (document.querySelectorAll('[data-testid="photo"]').length < count) return
              observer.disconnect()
              resolve(performance.now() - (performance.getEntriesByName('bench:photo-chosen').at(-1)?.startTime ?? Number.NaN))
            })
            observer.observe(document.body, { childList: true, subtree: true })
          })
          Object.assign(globalThis, { benchPhotoShown: shown })
        }, run + 1)
        if (mode === 'page') await throttleCpu(page, 4)
        const resume = mode === 'phone' ? await slowRenderers(browser, 4) : () => undefined
        try {
          await page.getByTestId('photo-gallery').setInputFiles({ name: `anh-${run}.jpg`, mimeType: 'image/jpeg', buffer: file })
          times[mode].push(await page.evaluate(() => (globalThis as unknown as { benchPhotoShown: Promise<number> }).benchPhotoShown))
        } finally {
          resume()
          await throttleCpu(page, 1)
        }
        sizes.push(await lastStoredSize(page))
      }
      const list = (values: number[]) => values.map(Math.round).join(', ')
      const mb = inputs.map((bytes) => (bytes / 1024 / 1024).toFixed(1)).join(', ')
      const conditions = `Chromium ${browser.version()}, ${MODES.length * RUNS} 4000×3000 JPEGs with grain on every pixel (${mb} MB) into the report form's gallery input, in the photo worker; ${machineLoad()}`
      return [
        {
          name: 'photo.bytes',
          value: Math.round(median(sizes) / 1024),
          unit: 'KB',
          budget: { max: 300 },
          conditions: `stored JPEG, median of ${MODES.length * RUNS}: ${sizes.map((size) => Math.round(size / 1024)).join(', ')} KB; ${conditions}`,
        },
        {
          name: 'photo.time',
          value: Math.round(median(times.phone)),
          unit: 'ms',
          budget: { max: 1500 },
          conditions: `input change to the photo shown, every thread of the renderer slowed 4× (run a quarter of every 40 ms), median of ${RUNS}: ${list(times.phone)} ms; with DevTools' 4× (the page's thread only) ${list(times.page)} ms; at full speed ${list(times.full)} ms; ${conditions}`,
        },
      ]
    }),
  )
}

/**
 * A 4000×3000 camera-like JPEG drawn in the page: shapes on a gradient, then grain on every
 * pixel, as a phone's sensor leaves it, so that it weighs what a camera photo does (3-4 MB).
 */
async function cameraJpeg(page: Page, seed: number): Promise<Buffer> {
  const base64 = await page.evaluate(async (seed) => {
    const [width, height] = [4000, 3000]
    const canvas = new OffscreenCanvas(width, height)
    const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D
    let state = 0x9e3779b9 ^ (seed + 1)
    // xorshift32: whole 32-bit numbers, so no bit is lost as with a multiply in doubles.
    const random = () => ((state ^= state << 13), (state ^= state >>> 17), (state ^= state << 5), state >>> 0)
    const gradient = context.createLinearGradient(0, 0, width, height)
    gradient.addColorStop(0, `hsl(${seed * 70}, 45%, 35%)`)
    gradient.addColorStop(1, `hsl(${seed * 70 + 140}, 45%, 70%)`)
    context.fillStyle = gradient
    context.fillRect(0, 0, width, height)
    for (let i = 0; i < 20_000; i++) {
      context.fillStyle = `hsl(${random() % 360}, 45%, ${25 + (random() % 55)}%)`
      context.fillRect(random() % width, random() % height, 8 + (random() % 120), 8 + (random() % 80))
    }
    const pixels = context.getImageData(0, 0, width, height)
    for (let i = 0; i < pixels.data.length; i += 4) {
      const noise = random()
      pixels.data[i] = (pixels.data[i] ?? 0) + (noise & 15) - 8
      pixels.data[i + 1] = (pixels.data[i + 1] ?? 0) + ((noise >>> 4) & 15) - 8
      pixels.data[i + 2] = (pixels.data[i + 2] ?? 0) + ((noise >>> 8) & 15) - 8
    }
    context.putImageData(pixels, 0, 0)
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })
    const bytes = new Uint8Array(await blob.arrayBuffer())
    let binary = ''
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(binary)
  }, seed)
  return Buffer.from(base64, 'base64')
}

/** Bytes of the photo stored last, as IndexedDB holds it. */
function lastStoredSize(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('giao-uoc')
        open.onerror = () => reject(new Error(String(open.error)))
        open.onsuccess = () => {
          const read = open.result.transaction('photos').objectStore('photos').getAll()
          read.onsuccess = () => {
            const rows = (read.result as { createdAt: string; blob: Blob }[]).sort((a, b) => a.createdAt.localeCompare(b.createdAt))
            open.result.close()
            resolve(rows.at(-1)?.blob.size ?? 0)
          }
        }
      }),
  )
}
