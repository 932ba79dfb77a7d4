import { describe, expect, it } from 'vitest'
import { formatBytes, formatCoordinate, formatPercent } from '@/i18n/format'

describe('formatBytes', () => {
  it.each([
    [0, 'vi', '0 B'],
    [512, 'vi', '512 B'],
    [1536, 'vi', '1,5 KB'],
    [12_345_678, 'vi', '11,8 MB'],
    [12_345_678, 'en', '11.8 MB'],
    [5 * 1024 ** 3, 'vi', '5 GB'],
    [1234 * 1024 ** 4, 'vi', '1.234 TB'],
    [-5, 'vi', '0 B'],
  ] as const)('%d bytes in %s is %s', (bytes, locale, expected) => {
    expect(formatBytes(bytes, locale)).toBe(expected)
  })
})

describe('formatPercent', () => {
  it.each([
    [0.125, 'vi', '12,5%'],
    [0.125, 'en', '12.5%'],
    [1, 'vi', '100%'],
  ] as const)('%d in %s is %s', (ratio, locale, expected) => {
    expect(formatPercent(ratio, locale).replace(/\u00a0/g, ' ')).toBe(expected)
  })
})

describe('formatCoordinate', () => {
  it.each([
    [23.363894, 'vi', '23,36389'],
    [105.3161, 'vi', '105,31610'],
    [0, 'en', '0.00000'],
    [105.316109, 'en', '105.31611'],
  ] as const)('%d in %s is %s', (value, locale, text) => {
    expect(formatCoordinate(value, locale)).toBe(text)
  })
})
