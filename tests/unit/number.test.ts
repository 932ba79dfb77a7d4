import { describe, expect, it } from 'vitest'
import { readNumber, writeNumber, type NumberReading } from '@/domain'

/** Numbers as Vietnamese write them, and the ones that must be asked back rather than guessed. */
const cases: [string, NumberReading][] = [
  ['', { kind: 'empty' }],
  ['   ', { kind: 'empty' }],
  ['0', { kind: 'number', value: 0 }],
  ['12', { kind: 'number', value: 12 }],
  ['1500', { kind: 'number', value: 1500 }],
  ['1.500', { kind: 'number', value: 1500 }],
  ['10.000.000', { kind: 'number', value: 10_000_000 }],
  ['2,5', { kind: 'number', value: 2.5 }],
  ['0,125', { kind: 'number', value: 0.125 }],
  ['1.234,5', { kind: 'number', value: 1234.5 }],
  ['12,75', { kind: 'number', value: 12.75 }],
  ['1 500', { kind: 'number', value: 1500 }],
  ['1\u00a0500,5', { kind: 'number', value: 1500.5 }],
  [' 3 ', { kind: 'number', value: 3 }],
  ['-4,5', { kind: 'number', value: -4.5 }],
  // Two readings: a Vietnamese decimal comma, or an English thousands comma.
  ['1,500', { kind: 'unclear', readings: [1.5, 1500] }],
  ['12,500', { kind: 'unclear', readings: [12.5, 12500] }],
  // Written the English way: asked, offering the English reading.
  ['1.5', { kind: 'unclear', readings: [1.5] }],
  ['0.75', { kind: 'unclear', readings: [0.75] }],
  ['1.23', { kind: 'unclear', readings: [1.23] }],
  ['1,234.5', { kind: 'unclear', readings: [1234.5] }],
  ['1,500,000', { kind: 'unclear', readings: [1_500_000] }],
  // Nothing a reader could take for a number.
  ['abc', { kind: 'invalid' }],
  ['1,2,3', { kind: 'invalid' }],
  ['1.2.3', { kind: 'invalid' }],
  ['1.50.000', { kind: 'invalid' }],
  [',5', { kind: 'invalid' }],
  ['5,', { kind: 'invalid' }],
  ['.', { kind: 'invalid' }],
  ['1e5', { kind: 'invalid' }],
  ['--1', { kind: 'invalid' }],
]

describe('readNumber', () => {
  it.each(cases)('reads %j', (text, reading) => {
    expect(readNumber(text)).toEqual(reading)
  })
})

describe('writeNumber', () => {
  it.each([
    [0, '0'],
    [1500, '1.500'],
    [1234567.5, '1.234.567,5'],
    [2.5, '2,5'],
    [-4.25, '-4,25'],
    [1e15, '1.000.000.000.000.000'],
    [0.0000001, '0,0000001'],
    [1.125, '1,1250'],
  ])('writes %d as %s', (value, text) => {
    expect(writeNumber(value)).toBe(text)
  })

  it('is read back as the same number, never as an unclear one', () => {
    for (const value of [0, 1, 1.5, 1.125, 12.5, 999.999, 1000, 1500.25, 123456.789, 1e12, 0.001, -3.5]) {
      expect(readNumber(writeNumber(value)), String(value)).toEqual({ kind: 'number', value })
    }
  })
})
