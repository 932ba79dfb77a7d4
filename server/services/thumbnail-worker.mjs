// Thumbnails off the endpoint's main thread: `{ id, bytes }` in, `{ id, bytes }` or `{ id, error }` out.
// Plain JavaScript, so that the worker starts without a TypeScript loader (Node 20 workers do not inherit one).
import { parentPort } from 'node:worker_threads'
import jpeg from 'jpeg-js'

/**
 * A small JPEG of a JPEG photo: decoded, scaled down by averaging each block of pixels, and
 * encoded again.
 * @param {Uint8Array} bytes
 * @param {number} edge the long edge, in pixels
 * @param {number} quality 1…100
 * @returns {Uint8Array}
 */
export function makeThumbnail(bytes, edge, quality) {
  // Bounded: a photo larger than a phone sends (4096 px a side, about 17 megapixels) is refused before decoding.
  const source = jpeg.decode(bytes, { useTArray: true, maxResolutionInMP: 17, maxMemoryUsageInMB: 160 })
  const scale = Math.min(1, edge / Math.max(source.width, source.height))
  const width = Math.max(1, Math.round(source.width * scale))
  const height = Math.max(1, Math.round(source.height * scale))
  const data = new Uint8Array(width * height * 4)
  for (let y = 0; y < height; y++) {
    const top = Math.floor((y * source.height) / height)
    const bottom = Math.max(top + 1, Math.floor(((y + 1) * source.height) / height))
    for (let x = 0; x < width; x++) {
      const left = Math.floor((x * source.width) / width)
      const right = Math.max(left + 1, Math.floor(((x + 1) * source.width) / width))
      let r = 0
      let g = 0
      let b = 0
      for (let sy = top; sy < bottom; sy++) {
        for (let sx = left; sx < right; sx++) {
          const at = (sy * source.width + sx) * 4
          r += source.data[at] ?? 0
          g += source.data[at + 1] ?? 0
          b += source.data[at + 2] ?? 0
        }
      }
      const count = (bottom - top) * (right - left)
      const out = (y * width + x) * 4
      data[out] = r / count
      data[out + 1] = g / count
      data[out + 2] = b / count
      data[out + 3] = 255
    }
  }
  // A copy of its own, so that handing its memory to the main thread takes nothing else with it.
  return new Uint8Array(jpeg.encode({ width, height, data }, quality).data)
}

parentPort?.on('message', (/** @type {{ id: number, bytes: Uint8Array, edge: number, quality: number }} */ { id, bytes, edge, quality }) => {
  try {
    const made = makeThumbnail(bytes, edge, quality)
    parentPort?.postMessage({ id, bytes: made }, [/** @type {ArrayBuffer} */ (made.buffer)])
  } catch (error) {
    parentPort?.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
})
