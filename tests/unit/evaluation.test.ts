import { describe, expect, it } from 'vitest'
import {
  bandOf,
  checkEvaluationRules,
  crossScore,
  DEFAULT_EVALUATION_RULES,
  rank,
  scaleOf,
  suggestedScore,
  totalOf,
  voteCarries,
  type Commitment,
  type RankInput,
  type Reached,
  type TieBreak,
} from '@/domain'
import { aCommitment } from './fixtures'

/** A commitment of 10 points, counted against 12 per commune unless the case says otherwise. */
const item = (overrides: Partial<Commitment> = {}): Commitment => aCommitment({ covenantId: 'c', order: 1, scope: 'unit', ...overrides })
const reached = (total: number, byCommune?: Record<string, number>): Reached => ({ total, ...(byCommune && { byCommune: new Map(Object.entries(byCommune)) }) })

describe('suggestedScore', () => {
  it.each<[string, Partial<Commitment>, Reached, string[], number]>([
    ['done: done is all the points', { measure: 'done', target: null }, reached(1), [], 10],
    ['done: not done is none', { measure: 'done', target: null }, reached(0), [], 0],
    ['count: in proportion', {}, reached(6), [], 5],
    ['count: nothing reported', {}, reached(0), [], 0],
    ['count: over-achievement stops at the points', {}, reached(30), [], 10],
    ['percent: in proportion to the target', { measure: 'percent', target: 90, unitLabel: '%' }, reached(45), [], 5],
    ['percent: past the target is the points', { measure: 'percent', target: 90, unitLabel: '%' }, reached(100), [], 10],
    ['a target of zero asks nothing: met', { target: 0 }, reached(0), [], 10],
    ['a retired commitment suggests nothing', { retiredAt: '2026-05-01T00:00:00.000Z' }, reached(12), [], 0],
    ['commune scope: each commune met', { scope: 'commune' }, reached(24, { a: 12, b: 12 }), ['a', 'b'], 10],
    ['commune scope: four visits to one do not make up for none in the other', { scope: 'commune', target: 2 }, reached(4, { a: 4 }), ['a', 'b'], 5],
    ['commune scope: each commune in proportion', { scope: 'commune' }, reached(9, { a: 6, b: 3 }), ['a', 'b'], 3.75],
    ['commune scope: a report from a commune no longer assigned does not count', { scope: 'commune' }, reached(12, { gone: 12 }), ['a'], 0],
    ['commune scope without assignments counts the unit as a whole', { scope: 'commune' }, reached(6), [], 5],
    ['rounded to two decimals', { maxPoints: 10, target: 3 }, reached(1), [], 3.33],
  ])('%s', (_case, overrides, progress, communes, expected) => {
    expect(suggestedScore(item(overrides), progress, communes)).toBe(expected)
  })
})

describe('totals, caps and bands', () => {
  const commitments = [item({ id: 'a', maxPoints: 60 }), item({ id: 'b', maxPoints: 40 }), item({ id: 'old', maxPoints: 10, retiredAt: '2026-03-01T00:00:00.000Z' })]
  const unit = (scores: Record<string, number>, bonus: number[] = [], penalty: number[] = []) => ({ unitId: 'u', scores: new Map(Object.entries(scores)), bonus, penalty })

  it.each<[string, ReturnType<typeof unit>, { total: number; bonus: number; penalty: number; band: string | null }]>([
    ['full marks', unit({ a: 60, b: 40 }), { total: 100, bonus: 0, penalty: 0, band: 'Xuất sắc' }],
    ['bonus within the cap', unit({ a: 50, b: 30 }, [2, 1]), { total: 83, bonus: 3, penalty: 0, band: 'Khá' }],
    ['bonus over the cap counts the cap', unit({ a: 50, b: 30 }, [4, 4]), { total: 85, bonus: 5, penalty: 0, band: 'Tốt' }],
    ['penalty over the cap loses the cap', unit({ a: 50, b: 30 }, [], [3, 3, 3]), { total: 75, bonus: 0, penalty: 5, band: 'Khá' }],
    ['a score over its points counts its points', unit({ a: 80, b: 40 }), { total: 100, bonus: 0, penalty: 0, band: 'Xuất sắc' }],
    ['a negative score counts zero', unit({ a: -5, b: 40 }), { total: 40, bonus: 0, penalty: 0, band: null }],
    ['a retired commitment is out of the total', unit({ a: 60, b: 30, old: 10 }), { total: 90, bonus: 0, penalty: 0, band: 'Tốt' }],
    ['a commitment not scored counts zero', unit({ a: 60 }), { total: 60, bonus: 0, penalty: 0, band: 'Trung bình' }],
    ['exactly on a band’s minimum reaches it', unit({ a: 55, b: 40 }), { total: 95, bonus: 0, penalty: 0, band: 'Xuất sắc' }],
  ])('%s', (_case, scores, expected) => {
    expect(totalOf(scores, commitments, DEFAULT_EVALUATION_RULES)).toMatchObject(expected)
  })

  it('the scale counts only the commitments still in the year', () => {
    expect(scaleOf(commitments)).toBe(100)
  })

  it.each([
    [96, 'Xuất sắc'],
    [94.99, 'Tốt'],
    [70, 'Khá'],
    [10, null],
  ])('band of %d in unordered bands is %s', (total, band) => {
    expect(
      bandOf(total, [
        { name: 'Khá', min: 70 },
        { name: 'Xuất sắc', min: 95 },
        { name: 'Tốt', min: 85 },
      ]),
    ).toBe(band)
  })
})

describe('ranking and tie-breaks', () => {
  const unit = (unitId: string, total: number, extra: Partial<RankInput> = {}): RankInput => ({ unitId, base: total, bonus: 0, penalty: 0, total, band: null, ...extra })
  const steps: TieBreak[] = [{ kind: 'group', group: 'Nhiệm vụ chính trị' }, { kind: 'fewer_penalty' }, { kind: 'votes' }]

  it.each<[string, RankInput[], TieBreak[], [string, number, TieBreak['kind'] | null][]]>([
    [
      'higher total first',
      [unit('b', 80), unit('a', 90)],
      steps,
      [
        ['a', 1, null],
        ['b', 2, null],
      ],
    ],
    [
      'equal totals: the named group decides',
      [unit('a', 90, { groups: new Map([['Nhiệm vụ chính trị', 30]]) }), unit('b', 90, { groups: new Map([['Nhiệm vụ chính trị', 35]]) })],
      steps,
      [
        ['b', 1, null],
        ['a', 2, 'group'],
      ],
    ],
    [
      'equal totals and groups: fewer penalty points',
      [unit('a', 90, { penalty: 2 }), unit('b', 90, { penalty: 1 })],
      steps,
      [
        ['b', 1, null],
        ['a', 2, 'fewer_penalty'],
      ],
    ],
    [
      'then the vote',
      [unit('a', 90, { votes: 3 }), unit('b', 90, { votes: 5 })],
      steps,
      [
        ['b', 1, null],
        ['a', 2, 'votes'],
      ],
    ],
    [
      'equal after every step: a shared rank, and the next skips',
      [unit('a', 90), unit('b', 90), unit('c', 80)],
      steps,
      [
        ['a', 1, null],
        ['b', 1, null],
        ['c', 3, null],
      ],
    ],
    [
      'no tie-breaks stated: equal totals share',
      [unit('a', 90, { penalty: 3 }), unit('b', 90)],
      [],
      [
        ['a', 1, null],
        ['b', 1, null],
      ],
    ],
  ])('%s', (_case, units, tieBreaks, expected) => {
    expect(rank(units, tieBreaks).map((row) => [row.unitId, row.rank, row.decidedBy?.kind ?? null])).toEqual(expected)
  })
})

describe('cross-scoring and the vote', () => {
  it.each<[string, Record<string, number>, number | null]>([
    ['the mean of the other units', { u2: 8, u3: 6 }, 7],
    ['the unit’s own score is left out', { u1: 10, u2: 8, u3: 6 }, 7],
    ['nobody else has scored yet', { u1: 10 }, null],
  ])('%s', (_case, scores, expected) => {
    expect(crossScore(new Map(Object.entries(scores)), 'u1')).toBe(expected)
  })

  it.each([
    [4, 6, 0.5, true],
    [3, 6, 0.5, false],
    [4, 6, 2 / 3, false],
    [5, 6, 2 / 3, true],
    [0, 0, 0.5, false],
  ])('%d votes of %d units at a share of %d carries: %s', (votes, units, voteShare, expected) => {
    expect(voteCarries(votes, units, { voteShare })).toBe(expected)
  })
})

describe('checkEvaluationRules', () => {
  it('accepts the defaults', () => {
    expect(checkEvaluationRules(DEFAULT_EVALUATION_RULES)).toEqual([])
  })

  it.each<[string, Partial<typeof DEFAULT_EVALUATION_RULES>, string]>([
    ['a negative cap', { bonusCap: -1 }, 'bonusCap'],
    ['a share of one or more', { voteShare: 1 }, 'voteShare'],
    [
      'two bands with one minimum',
      {
        bands: [
          { name: 'Tốt', min: 85 },
          { name: 'Khá', min: 85 },
        ],
      },
      'bands',
    ],
    ['an award of none', { awards: [{ name: 'Bằng khen', count: 0 }] }, 'awards'],
    ['a group tie-break without a group', { tieBreaks: [{ kind: 'group', group: ' ' }] }, 'tieBreaks'],
  ])('refuses %s', (_case, change, field) => {
    expect(checkEvaluationRules({ ...DEFAULT_EVALUATION_RULES, ...change }).map((problem) => problem.field)).toContain(field)
  })
})
