import { describe, expect, it } from 'vitest'
import {
  canMoveCovenant,
  checkCommitment,
  checkCovenant,
  checkName,
  CODE_ALPHABET,
  enrollmentCodeFromBytes,
  formatEnrollmentCode,
  groupCommitments,
  isIsoDate,
  normalizeEnrollmentCode,
  totalPoints,
  type Commitment,
} from '@/domain'
import { aCommitment } from './fixtures'

const item = (overrides: Partial<Commitment> = {}): Commitment => aCommitment({ id: crypto.randomUUID(), covenantId: 'c', order: 1, ...overrides })

describe('commitments', () => {
  it('accept a count, a percent and a done item that fit their measure', () => {
    expect(checkCommitment(item())).toEqual([])
    expect(checkCommitment(item({ measure: 'percent', target: 90, unitLabel: '%' }))).toEqual([])
    expect(checkCommitment(item({ measure: 'done', target: null, unitLabel: '' }))).toEqual([])
  })

  it('refuse a target that does not fit the measure', () => {
    expect(checkCommitment(item({ target: null }))).toEqual([{ field: 'target', rule: 'required' }])
    expect(checkCommitment(item({ target: 2.5 }))).toEqual([{ field: 'target', rule: 'positiveInteger' }])
    expect(checkCommitment(item({ measure: 'percent', target: 120 }))).toEqual([{ field: 'target', rule: 'percent' }])
    expect(checkCommitment(item({ measure: 'done', target: 1 }))).toEqual([{ field: 'target', rule: 'notForDone' }])
  })

  it('refuse blank titles, bad order and points out of range', () => {
    expect(checkCommitment(item({ title: '  ', order: 0, maxPoints: -1 }))).toEqual([
      { field: 'title', rule: 'required' },
      { field: 'order', rule: 'positiveInteger' },
      { field: 'maxPoints', rule: 'range' },
    ])
  })

  it('group in covenant order, each group under its first appearance, with its points', () => {
    const items = [
      item({ order: 3, group: 'B', maxPoints: 5 }),
      item({ order: 1, group: 'A', maxPoints: 20 }),
      item({ order: 2, group: 'B', maxPoints: 15 }),
      item({ order: 4, group: 'A', maxPoints: 10 }),
    ]
    const groups = groupCommitments(items)
    expect(groups.map((group) => [group.name, group.items.map((row) => row.order), group.maxPoints])).toEqual([
      ['A', [1, 4], 30],
      ['B', [2, 3], 20],
    ])
    expect(totalPoints(items)).toBe(50)
  })
})

describe('covenants', () => {
  it('need a signing date once signed, and a real one', () => {
    expect(checkCovenant({ year: 2026, slogan: '', status: 'draft', signedAt: null })).toEqual([])
    expect(checkCovenant({ year: 2026, slogan: '', status: 'signed', signedAt: null })).toEqual([{ field: 'signedAt', rule: 'required' }])
    expect(checkCovenant({ year: 2026, slogan: '', status: 'signed', signedAt: '2026-02-30' })).toEqual([{ field: 'signedAt', rule: 'date' }])
    expect(checkCovenant({ year: 1990, slogan: '', status: 'draft', signedAt: null })).toEqual([{ field: 'year', rule: 'year' }])
  })

  it('only move forward, one step at a time', () => {
    expect(canMoveCovenant('draft', 'signed')).toBe(true)
    expect(canMoveCovenant('signed', 'evaluating')).toBe(true)
    expect(canMoveCovenant('evaluating', 'closed')).toBe(true)
    expect(canMoveCovenant('signed', 'closed')).toBe(false)
    expect(canMoveCovenant('draft', 'closed')).toBe(false)
    expect(canMoveCovenant('closed', 'signed')).toBe(false)
  })

  it('dates are real calendar days', () => {
    expect(isIsoDate('2028-02-29')).toBe(true)
    expect(isIsoDate('2026-02-29')).toBe(false)
    expect(isIsoDate('14/02/2026')).toBe(false)
  })
})

describe('names', () => {
  it('must not be blank or too long', () => {
    expect(checkName('name', 'Giàng Seo Chứ')).toEqual([])
    expect(checkName('name', ' \t')).toEqual([{ field: 'name', rule: 'required' }])
    expect(checkName('name', 'x'.repeat(81), 80)).toEqual([{ field: 'name', rule: 'tooLong' }])
  })
})

describe('enrollment codes', () => {
  it('read what people type: any case, spaces, dashes, O for 0 and I or L for 1', () => {
    expect(normalizeEnrollmentCode('abcde-fghjk')).toBe('ABCDEFGHJK')
    expect(normalizeEnrollmentCode(' 69sf0 xgkwz ')).toBe('69SF0XGKWZ')
    expect(normalizeEnrollmentCode('OOOOO-IIIIL')).toBe('0000011111')
  })

  it('refuse the wrong length and letters outside the alphabet', () => {
    expect(normalizeEnrollmentCode('ABCDE')).toBeNull()
    expect(normalizeEnrollmentCode('ABCDE-FGHJU')).toBeNull()
    expect(normalizeEnrollmentCode('')).toBeNull()
  })

  it('are made of the alphabet only and shown in two groups of five', () => {
    const code = enrollmentCodeFromBytes(Uint8Array.from({ length: 16 }, (_, i) => i * 37))
    expect([...code].every((char) => CODE_ALPHABET.includes(char))).toBe(true)
    expect(code).toHaveLength(10)
    expect(formatEnrollmentCode(code)).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/)
    expect(normalizeEnrollmentCode(formatEnrollmentCode(code))).toBe(code)
  })
})
