/**
 * Turning a camera photo into what the phone keeps and later sends: decoded with its EXIF
 * orientation, the long edge scaled to at most 1600 px, JPEG under 300 KB, a thumbnail of at
 * most 320 px, the SHA-256 of the result, its fingerprint, and the time and place the camera
 * wrote (everything else in the EXIF is dropped with the re-encoding). Runs in a worker with OffscreenCanvas where the
 * browser has it (`photo-compression.worker.ts`), on the page otherwise.
 */

import { FINGERPRINT_GRID, fingerprint, imageSize, readCapture, sha256Hex, sniffImageType, type PhotoCapture } from '@/domain'

export const PHOTO_LIMITS = {
  longEdge: 1600,
  thumbnailEdge: 320,
  maxBytes: 300 * 1024,
  /** Larger pictures are refused rather than decoded: 100 megapixels is 400 MB of pixels. */
  maxPixels: 100_000_000,
  maxFileBytes: 60 * 1024 * 1024,
  /** Enough of the file to find the picture's size in its header, past any EXIF block. */
  headerBytes: 256 * 1024,
} as const

export type PhotoProblem = 'notImage' | 'unreadable' | 'tooLarge'

export class PhotoError extends Error {
  override name = 'PhotoError'
  constructor(readonly problem: PhotoProblem) {
    super(problem)
  }
}

export interface ProcessedPhoto extends PhotoCapture {
  blob: Blob
  thumbnail: Blob
  type: string
  width: number
  height: number
  sha256: string
  /** The picture's difference hash (`fingerprint`), to find it again in other reports. */
  fingerprint: string
}

type AnyCanvas = OffscreenCanvas | HTMLCanvasElement

function makeCanvas(width: number, height: number): AnyCanvas {
  if (typeof OffscreenCanvas !== 'undefined') return new OffscreenCanvas(width, height)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  return canvas
}

async function encode(canvas: AnyCanvas, quality: number): Promise<Blob> {
  if ('convertToBlob' in canvas) return canvas.convertToBlob({ type: 'image/jpeg', quality })
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new PhotoError('unreadable'))), 'image/jpeg', quality)
  })
}

function draw(source: ImageBitmap, longEdge: number): AnyCanvas {
  const scale = Math.min(1, longEdge / Math.max(source.width, source.height))
  const width = Math.max(1, Math.round(source.width * scale))
  const height = Math.max(1, Math.round(source.height * scale))
  const canvas = makeCanvas(width, height)
  // A 2D context, whichever kind of canvas this is (the union's getContext types more broadly).
  const context = canvas.getContext('2d')
  if (!context || !('drawImage' in context)) throw new PhotoError('unreadable')
  context.imageSmoothingQuality = 'high'
  context.drawImage(source, 0, 0, width, height)
  return canvas
}

/** JPEG at the best quality that fits `maxBytes`. */
async function encodeWithin(canvas: AnyCanvas, maxBytes: number): Promise<Blob> {
  // 0.8 keeps a 1600 px camera photo under the limit nearly always: one encoding, not two.
  let blob = await encode(canvas, 0.8)
  for (const quality of [0.7, 0.6, 0.5, 0.45]) {
    if (blob.size <= maxBytes) break
    blob = await encode(canvas, quality)
  }
  return blob
}

/** The picture shrunk to the fingerprint's grid, in grey, and hashed. */
function fingerprintOf(source: ImageBitmap): string {
  const { width, height } = FINGERPRINT_GRID
  const canvas = makeCanvas(width, height)
  const context = canvas.getContext('2d')
  if (!context || !('getImageData' in context)) throw new PhotoError('unreadable')
  context.drawImage(source, 0, 0, width, height)
  const { data } = context.getImageData(0, 0, width, height)
  const grey = Array.from({ length: width * height }, (_, index) => 0.299 * (data[index * 4] ?? 0) + 0.587 * (data[index * 4 + 1] ?? 0) + 0.114 * (data[index * 4 + 2] ?? 0))
  return fingerprint(grey)
}

/** Process one picture, wherever this runs (worker or page). */
export async function processPhoto(file: Blob): Promise<ProcessedPhoto> {
  const head = new Uint8Array(await file.slice(0, PHOTO_LIMITS.headerBytes).arrayBuffer())
  // The bytes decide, not the name: galleries often give no type at all. A declared image in
  // another format (GIF, HEIC…) is still tried, since some browsers decode it.
  if (!sniffImageType(head) && !file.type.startsWith('image/')) throw new PhotoError('notImage')
  if (file.size > PHOTO_LIMITS.maxFileBytes) throw new PhotoError('tooLarge')
  // Refused before decoding: decoding alone would take width × height × 4 bytes of memory.
  const size = imageSize(head)
  if (size && size.width * size.height > PHOTO_LIMITS.maxPixels) throw new PhotoError('tooLarge')
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    throw new PhotoError('unreadable')
  }
  try {
    if (bitmap.width * bitmap.height > PHOTO_LIMITS.maxPixels) throw new PhotoError('tooLarge')
    const main = draw(bitmap, PHOTO_LIMITS.longEdge)
    const blob = await encodeWithin(main, PHOTO_LIMITS.maxBytes)
    const thumbnail = await encode(draw(bitmap, PHOTO_LIMITS.thumbnailEdge), 0.7)
    // The camera's time and place come from the original: the re-encoded JPEG carries no EXIF.
    const capture = readCapture(head) ?? { capturedAt: null, capturedLatitude: null, capturedLongitude: null }
    return { blob, thumbnail, type: blob.type, width: main.width, height: main.height, sha256: await sha256Hex(blob), fingerprint: fingerprintOf(bitmap), ...capture }
  } finally {
    bitmap.close()
  }
}
