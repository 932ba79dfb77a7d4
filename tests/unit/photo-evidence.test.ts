import { describe, expect, it } from 'vitest'
import { distanceMetres, fingerprint, fingerprintDistance, readCapture } from '@/domain'
import { withExif } from '../support/exif'

const plainJpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x00, 0x04, 0x00, 0x00, 0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])

describe('the capture a camera wrote', () => {
  it('reads the time with its offset and the GPS position', () => {
    const bytes = withExif(plainJpeg, { dateTime: '2026:11:20 08:15:30', offset: '+07:00', latitude: 23.363894, longitude: 105.316109 })
    const capture = readCapture(bytes)
    expect(capture?.capturedAt).toBe('2026-11-20T01:15:30.000Z')
    expect(capture?.capturedLatitude).toBeCloseTo(23.363894, 4)
    expect(capture?.capturedLongitude).toBeCloseTo(105.316109, 4)
  })

  it('reads south and west as negative, and a time without offset as the phone’s own', () => {
    const capture = readCapture(withExif(plainJpeg, { dateTime: '2025:01:02 03:04:05', latitude: -33.5, longitude: -70.25 }))
    expect(capture?.capturedAt).toBe(new Date(2025, 0, 2, 3, 4, 5).toISOString())
    expect(capture?.capturedLatitude).toBeCloseTo(-33.5, 4)
    expect(capture?.capturedLongitude).toBeCloseTo(-70.25, 4)
  })

  it('answers null for a picture without EXIF, and nothing breaks on a cut or garbled one', () => {
    expect(readCapture(plainJpeg)).toBeNull()
    expect(readCapture(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull()
    const full = withExif(plainJpeg, { dateTime: '2026:11:20 08:15:30', latitude: 23, longitude: 105 })
    for (let cut = 0; cut < full.length; cut += 7) expect(() => readCapture(full.subarray(0, cut))).not.toThrow()
    const garbled = full.slice()
    for (let index = 20; index < garbled.length; index += 5) garbled[index] = 0xff
    expect(() => readCapture(garbled)).not.toThrow()
  })
})

describe('a photo’s fingerprint', () => {
  const grid = (value: (index: number) => number) => Array.from({ length: 72 }, (_, index) => value(index))
  it('is the same for a picture re-encoded with small changes, and far from another picture', () => {
    const picture = grid((index) => (index * 37) % 255)
    const reencoded = picture.map((value) => value + ((value * 7) % 2))
    const other = grid((index) => (index * 91 + 13) % 255)
    expect(fingerprint(picture)).toMatch(/^[0-9a-f]{16}$/)
    expect(fingerprintDistance(fingerprint(picture), fingerprint(reencoded))).toBeLessThanOrEqual(10)
    expect(fingerprintDistance(fingerprint(picture), fingerprint(other))).toBeGreaterThan(10)
  })
})

describe('distance', () => {
  it('measures metres between two points', () => {
    expect(distanceMetres({ latitude: 23.3639, longitude: 105.3161 }, { latitude: 23.3639, longitude: 105.3161 })).toBe(0)
    expect(distanceMetres({ latitude: 23, longitude: 105 }, { latitude: 24, longitude: 105 })).toBeCloseTo(111_195, -2)
  })
})
