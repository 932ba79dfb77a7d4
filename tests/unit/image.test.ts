import { describe, expect, it } from 'vitest'
import { imageSize, sniffImageType } from '@/domain'

const bytes = (...parts: (number[] | string)[]) => new Uint8Array(parts.flatMap((part) => (typeof part === 'string' ? [...part].map((char) => char.charCodeAt(0)) : part)))

// SOI, an EXIF block of 300 bytes, then a baseline frame header of 4000×3000.
const exif = [0xff, 0xe1, 0x01, 0x2c, ...new Array<number>(298).fill(0)]
const jpeg = bytes([0xff, 0xd8], exif, [0xff, 0xc0, 0x00, 0x11, 0x08, 0x0b, 0xb8, 0x0f, 0xa0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0])
// A progressive frame (SOF2) after a Huffman table (DHT, C4, which is not a frame).
const progressive = bytes([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x04, 0, 0], [0xff, 0xc2, 0x00, 0x11, 0x08, 0x17, 0x70, 0x1f, 0x40, 0x03, 0, 0, 0, 0, 0, 0, 0, 0])
const png = bytes('\x89PNG\r\n\x1a\n', [0, 0, 0, 13], 'IHDR', [0, 0, 0x1f, 0x40, 0, 0, 0x17, 0x70], [8, 2, 0, 0, 0])
const webpExtended = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8X', [10, 0, 0, 0, 0, 0, 0, 0], [0x9f, 0x0f, 0x00], [0xb7, 0x0b, 0x00])
const webpLossy = bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 ', [0, 0, 0, 0], [0, 0, 0, 0x9d, 0x01, 0x2a], [0xa0, 0x0f, 0xb8, 0x0b])
// VP8L: signature 0x2f, then 14 bits width−1 and 14 bits height−1, little-endian.
const lossless = (() => {
  const bits = (4000 - 1) | ((3000 - 1) << 14)
  return bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8L', [0, 0, 0, 0], [0x2f], [bits & 0xff, (bits >>> 8) & 0xff, (bits >>> 16) & 0xff, (bits >>> 24) & 0xff])
})()

describe('what a picture file really is', () => {
  it.each([
    ['a JPEG', jpeg, 'image/jpeg'],
    ['a PNG', png, 'image/png'],
    ['a WebP', webpExtended, 'image/webp'],
    ['a text file', bytes('không phải ảnh'), null],
    ['a GIF', bytes('GIF89a', [1, 0, 1, 0]), null],
    ['an empty file', bytes(), null],
    ['a RIFF that is not WebP', bytes('RIFF', [0, 0, 0, 0], 'WAVE'), null],
  ])('%s', (_, file, type) => {
    expect(sniffImageType(file)).toBe(type)
  })
})

describe('the size a picture header states', () => {
  it.each([
    ['a JPEG after its EXIF block', jpeg, { width: 4000, height: 3000 }],
    ['a progressive JPEG after a Huffman table', progressive, { width: 8000, height: 6000 }],
    ['a PNG', png, { width: 8000, height: 6000 }],
    ['an extended WebP', webpExtended, { width: 4000, height: 3000 }],
    ['a lossy WebP', webpLossy, { width: 4000, height: 3000 }],
    ['a lossless WebP', lossless, { width: 4000, height: 3000 }],
  ])('%s', (_, file, size) => {
    expect(imageSize(file)).toEqual(size)
  })

  it('is unknown when the header is cut short or broken', () => {
    expect(imageSize(jpeg.subarray(0, 200))).toBeNull()
    expect(imageSize(bytes([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e]))).toBeNull()
    expect(imageSize(png.subarray(0, 20))).toBeNull()
    expect(imageSize(bytes('hello world, not a picture'))).toBeNull()
  })
})
