/**
 * What a picture file really is, from its first bytes rather than its name or declared type:
 * the phone uses it before decoding, the endpoint before accepting an upload.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length))
}

/** JPEG, PNG or WebP by signature; null for anything else (text, HEIC, a truncated header…). */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 8 && ascii(bytes, 0, 8) === '\x89PNG\r\n\x1a\n') return 'image/png'
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'image/webp'
  return null
}

/**
 * The longest edge, in pixels, of a photo the endpoint takes. The phone sends at most 1600 px;
 * a header declaring far more is a decoding bomb (a few bytes that expand to gigabytes).
 */
export const PHOTO_MAX_EDGE = 4096

export interface ImageSize {
  width: number
  height: number
}

const u16be = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)
const u16le = (bytes: Uint8Array, at: number) => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8)
const u24le = (bytes: Uint8Array, at: number) => u16le(bytes, at) | ((bytes[at + 2] ?? 0) << 16)
const u32be = (bytes: Uint8Array, at: number) => u16be(bytes, at) * 0x10000 + u16be(bytes, at + 2)

/** A JPEG marker that starts a frame, whose header holds the dimensions: every SOFn except DHT (C4), JPG (C8) and DAC (CC). */
export const isJpegFrame = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc

function jpegSize(bytes: Uint8Array): ImageSize | null {
  let at = 2
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return null
    const marker = bytes[at + 1] ?? 0
    if (marker === 0xff) {
      at += 1
      continue
    }
    if (isJpegFrame(marker)) return { height: u16be(bytes, at + 5), width: u16be(bytes, at + 7) }
    at += 2 + u16be(bytes, at + 2)
  }
  return null
}

function webpSize(bytes: Uint8Array): ImageSize | null {
  const chunk = ascii(bytes, 12, 4)
  if (chunk === 'VP8X' && bytes.length >= 30) return { width: u24le(bytes, 24) + 1, height: u24le(bytes, 27) + 1 }
  if (chunk === 'VP8 ' && bytes.length >= 30) return { width: u16le(bytes, 26) & 0x3fff, height: u16le(bytes, 28) & 0x3fff }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = (bytes[21] ?? 0) | ((bytes[22] ?? 0) << 8) | ((bytes[23] ?? 0) << 16) | ((bytes[24] ?? 0) << 24)
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 }
  }
  return null
}

/**
 * Width and height as the file's header states them, before any decoding, so that a picture
 * too big to decode safely can be refused first. Null when the header is not found in `bytes`
 * (pass at least the first 64 KB: a JPEG's frame header follows its EXIF block).
 */
export function imageSize(bytes: Uint8Array): ImageSize | null {
  switch (sniffImageType(bytes)) {
    case 'image/jpeg':
      return jpegSize(bytes)
    case 'image/png':
      return bytes.length >= 24 ? { width: u32be(bytes, 16), height: u32be(bytes, 20) } : null
    case 'image/webp':
      return webpSize(bytes)
    default:
      return null
  }
}

/** Hex SHA-256 of a photo's bytes, as the phone sends it and the endpoint checks it. */
export async function sha256Hex(data: Blob | Uint8Array): Promise<string> {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(await data.arrayBuffer())
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('')
}
