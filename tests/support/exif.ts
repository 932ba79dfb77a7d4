/**
 * A JPEG with the EXIF a phone camera writes: the capture time (with its offset) and the GPS
 * position, in an APP1 segment put right after the start of `jpeg`. For tests on every side.
 */
export interface Capture {
  /** "2026:11:20 08:15:00" */
  dateTime: string
  /** "+07:00", or none */
  offset?: string
  latitude: number
  longitude: number
}

export function withExif(jpeg: Uint8Array, capture: Capture): Uint8Array {
  const tiff = tiffOf(capture)
  const segment = new Uint8Array(4 + 6 + tiff.length)
  const length = segment.length - 2
  segment.set([0xff, 0xe1, length >> 8, length & 0xff], 0)
  segment.set([...'Exif'].map((char) => char.charCodeAt(0)).concat([0, 0]), 4)
  segment.set(tiff, 10)
  const out = new Uint8Array(jpeg.length + segment.length)
  out.set(jpeg.subarray(0, 2), 0)
  out.set(segment, 2)
  out.set(jpeg.subarray(2), 2 + segment.length)
  return out
}

function tiffOf({ dateTime, offset, latitude, longitude }: Capture): Uint8Array {
  const bytes = new Uint8Array(256)
  const view = new DataView(bytes.buffer)
  const text = (at: number, value: string) => [...value].forEach((char, index) => (bytes[at + index] = char.charCodeAt(0)))
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    view.setUint16(at, tag)
    view.setUint16(at + 2, type)
    view.setUint32(at + 4, count)
    view.setUint32(at + 8, value)
  }
  const rationals = (at: number, value: number) => {
    const whole = Math.floor(Math.abs(value))
    const minutes = Math.floor((Math.abs(value) - whole) * 60)
    const seconds = Math.round(((Math.abs(value) - whole) * 60 - minutes) * 60 * 1000)
    ;[whole, 1, minutes, 1, seconds, 1000].forEach((part, index) => view.setUint32(at + index * 4, part))
  }
  text(0, 'MM')
  view.setUint16(2, 42)
  view.setUint32(4, 8)
  // The main directory: where the Exif and GPS directories are.
  view.setUint16(8, 2)
  entry(10, 0x8769, 4, 1, 38)
  entry(22, 0x8825, 4, 1, 68)
  // Exif: DateTimeOriginal and OffsetTimeOriginal.
  view.setUint16(38, offset ? 2 : 1)
  entry(40, 0x9003, 2, 20, 122)
  if (offset) entry(52, 0x9011, 2, 7, 142)
  // GPS: N/S, latitude, E/W, longitude.
  view.setUint16(68, 4)
  entry(70, 0x0001, 2, 2, 0)
  text(78, latitude < 0 ? 'S' : 'N')
  entry(82, 0x0002, 5, 3, 150)
  entry(94, 0x0003, 2, 2, 0)
  text(102, longitude < 0 ? 'W' : 'E')
  entry(106, 0x0004, 5, 3, 174)
  text(122, `${dateTime}\0`)
  if (offset) text(142, `${offset}\0`)
  rationals(150, latitude)
  rationals(174, longitude)
  return bytes.subarray(0, 198)
}
