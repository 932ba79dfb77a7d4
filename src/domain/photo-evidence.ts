/**
 * What makes a photo evidence: when and where the camera says it was taken (EXIF, read before
 * the phone re-encodes the picture and drops everything else), and a perceptual fingerprint
 * that finds the same picture again after re-encoding, cropping a little or resizing.
 */

/** When and where the camera took the picture, as far as its EXIF says. */
export interface PhotoCapture {
  /** ISO time; null when the camera wrote none. */
  capturedAt: string | null
  capturedLatitude: number | null
  capturedLongitude: number | null
}

const ascii = (bytes: Uint8Array, at: number, length: number) => String.fromCharCode(...bytes.subarray(at, Math.min(bytes.length, at + length)))
const u16be = (bytes: Uint8Array, at: number) => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0)

/** The capture time and place from a JPEG's EXIF; null without EXIF (a screenshot, a PNG, a picture already stripped). */
export function readCapture(bytes: Uint8Array): PhotoCapture | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null
  let at = 2
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1] ?? 0
    if (marker === 0xda || marker === 0xd9) return null
    const length = u16be(bytes, at + 2)
    if (length < 2) return null
    if (marker === 0xe1 && ascii(bytes, at + 4, 6) === 'Exif\0\0') return readTiff(bytes.subarray(at + 10, at + 2 + length))
    at += 2 + length
  }
  return null
}

interface Entry {
  type: number
  count: number
  /** Where the value, or the offset of a value longer than four bytes, is. */
  at: number
}

function readTiff(tiff: Uint8Array): PhotoCapture | null {
  const order = ascii(tiff, 0, 2)
  if (order !== 'II' && order !== 'MM') return null
  const little = order === 'II'
  const u16 = (at: number) => (little ? (tiff[at] ?? 0) | ((tiff[at + 1] ?? 0) << 8) : u16be(tiff, at))
  const u32 = (at: number) => (little ? u16(at) + u16(at + 2) * 0x10000 : u16(at) * 0x10000 + u16(at + 2))
  if (u16(2) !== 42) return null

  const directory = (offset: number): Map<number, Entry> => {
    const entries = new Map<number, Entry>()
    if (offset <= 0 || offset + 2 > tiff.length) return entries
    const count = Math.min(u16(offset), Math.floor((tiff.length - offset - 2) / 12))
    for (let index = 0; index < count; index++) {
      const entry = offset + 2 + index * 12
      entries.set(u16(entry), { type: u16(entry + 2), count: u32(entry + 4), at: entry + 8 })
    }
    return entries
  }
  const text = (entry: Entry | undefined): string | null => {
    if (!entry || entry.type !== 2) return null
    return ascii(tiff, entry.count > 4 ? u32(entry.at) : entry.at, entry.count).replace(/\0[\s\S]*$/, '')
  }
  const rationals = (entry: Entry | undefined): number[] | null => {
    if (!entry || entry.type !== 5 || entry.count < 3) return null
    const start = u32(entry.at)
    if (start + 24 > tiff.length) return null
    return [0, 1, 2].map((index) => {
      const denominator = u32(start + index * 8 + 4)
      return denominator === 0 ? Number.NaN : u32(start + index * 8) / denominator
    })
  }

  const main = directory(u32(4))
  const exifPointer = main.get(0x8769)
  const gpsPointer = main.get(0x8825)
  const exif = exifPointer ? directory(u32(exifPointer.at)) : new Map<number, Entry>()
  const gps = gpsPointer ? directory(u32(gpsPointer.at)) : new Map<number, Entry>()

  const capturedAt = captureTime(text(exif.get(0x9003)) ?? text(main.get(0x0132)), text(exif.get(0x9011)))
  const latitude = degrees(rationals(gps.get(0x0002)), text(gps.get(0x0001)), 'S', 90)
  const longitude = degrees(rationals(gps.get(0x0004)), text(gps.get(0x0003)), 'W', 180)
  const placed = latitude !== null && longitude !== null
  if (capturedAt === null && !placed) return null
  return { capturedAt, capturedLatitude: placed ? latitude : null, capturedLongitude: placed ? longitude : null }
}

/** "2026:11:20 08:15:00" with its offset ("+07:00"), or as the phone's own time without one. */
function captureTime(value: string | null, offset: string | null): string | null {
  const match = value && /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})/.exec(value)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number]
  const zoned =
    offset && /^[+-]\d{2}:\d{2}$/.test(offset)
      ? new Date(`${match.slice(1, 4).join('-')}T${match.slice(4, 7).join(':')}${offset}`)
      : new Date(year, month - 1, day, hour, minute, second)
  return Number.isNaN(zoned.getTime()) || year < 1990 ? null : zoned.toISOString()
}

function degrees(parts: number[] | null, reference: string | null, negative: string, limit: number): number | null {
  if (!parts || parts.some((part) => !Number.isFinite(part))) return null
  const [whole = 0, minutes = 0, seconds = 0] = parts
  const value = (whole + minutes / 60 + seconds / 3600) * (reference === negative ? -1 : 1)
  return Math.abs(value) <= limit ? Math.round(value * 1e6) / 1e6 : null
}

/** The side of the grid a fingerprint is taken from: 9 × 8 grey levels give 64 bits. */
export const FINGERPRINT_GRID = { width: 9, height: 8 } as const

/**
 * A difference hash: each of the 64 bits says whether a cell of the 9 × 8 grey grid is brighter
 * than its right neighbour. `grey` holds the grid row by row. Sixteen hex digits.
 */
export function fingerprint(grey: ArrayLike<number>): string {
  const { width, height } = FINGERPRINT_GRID
  let hex = ''
  for (let row = 0; row < height; row++) {
    let byte = 0
    for (let column = 0; column < width - 1; column++) byte = (byte << 1) | ((grey[row * width + column] ?? 0) > (grey[row * width + column + 1] ?? 0) ? 1 : 0)
    hex += byte.toString(16).padStart(2, '0')
  }
  return hex
}

/** Bits that differ between two fingerprints: up to 10 of 64 is the same picture, re-encoded or slightly changed. */
export function fingerprintDistance(a: string, b: string): number {
  let bits = 0
  for (let index = 0; index < 16; index += 2) {
    let differ = Number.parseInt(a.slice(index, index + 2), 16) ^ Number.parseInt(b.slice(index, index + 2), 16)
    while (differ) {
      bits += differ & 1
      differ >>= 1
    }
  }
  return bits
}

export const NEAR_DUPLICATE_BITS = 10

/** Metres between two points on the Earth (haversine). */
export function distanceMetres(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const radians = (value: number) => (value * Math.PI) / 180
  const dLat = radians(b.latitude - a.latitude)
  const dLon = radians(b.longitude - a.longitude)
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** When a photo is flagged to reviewers (never refused): taken this many days before the visit, or this far from where the report says. */
export const PHOTO_FLAGS = { daysBefore: 2, metresAway: 1000 } as const

/** Whole days from the capture to the visit's day (in Vietnam), when the photo was taken before it; 0 on the day or after. */
export function daysBeforeVisit(capturedAt: string, visitDate: string): number {
  const visit = Date.parse(`${visitDate}T00:00:00+07:00`)
  const captured = Date.parse(capturedAt)
  return Number.isNaN(visit) || Number.isNaN(captured) || captured >= visit ? 0 : Math.ceil((visit - captured) / (24 * 60 * 60 * 1000))
}
