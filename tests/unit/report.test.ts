import { describe, expect, it } from 'vitest'
import {
  checkReport,
  commitmentsForReport,
  byVietnamese,
  foldVietnamese,
  isEditable,
  isPending,
  isTouched,
  matchesSearch,
  paceOf,
  progressOf,
  REPORT_LIMITS,
  targetFor,
  yearElapsed,
  type Commitment,
  type Pace,
  type ProgressScope,
  type Report,
  type ReportEntry,
  type ReportState,
  onCovenant,
  waitsForCovenant,
} from '@/domain'
import { aCommitment, aReport } from './fixtures'

const visits = aCommitment({ order: 2 })
const poorHouseholds: Commitment = { ...visits, id: 'poor', order: 1, title: 'Tỷ lệ hộ nghèo được hỗ trợ', measure: 'percent', target: 80, unitLabel: '%' }
const reform: Commitment = { ...visits, id: 'reform', order: 1, title: 'Hoàn thành cải cách hành chính', measure: 'done', target: null, unitLabel: '', scope: 'unit' }
const commitments = [reform, visits, poorHouseholds]

const entry = (commitmentId: string, overrides: Partial<ReportEntry> = {}): ReportEntry => ({
  commitmentId,
  status: 'in_progress',
  amount: null,
  note: '',
  ...overrides,
})

const report = (overrides: Partial<Report> = {}): Report =>
  aReport({ summary: 'Thăm 5 hộ nghèo, trao bò giống.', entries: [entry('visits', { status: 'done', amount: 1 })], state: 'queued', revision: 1, ...overrides })

const today = '2026-11-25'
const rules = (r: Report) => checkReport(r, commitments, today).map((problem) => `${problem.field}:${problem.rule}`)

describe('report states', () => {
  it.each<[ReportState, boolean, boolean]>([
    ['draft', true, false],
    ['queued', true, true],
    ['sending', false, true],
    ['accepted', false, false],
    ['rejected', true, false],
  ])('%s: editable %s, pending %s', (state, editable, pending) => {
    expect(isEditable({ state, revision: 2 })).toBe(editable)
    expect(isPending({ state })).toBe(pending)
  })

  it.each<[string, Report['review'], number, boolean]>([
    ['sent back for more, not yet answered', { status: 'needs_more', comment: 'Bổ sung ảnh', reviewerName: 'Phạm Thị Lan', at: '2026-03-01T00:00:00Z', revision: 2 }, 2, true],
    [
      'sent back for more, answered with a newer revision',
      { status: 'needs_more', comment: 'Bổ sung ảnh', reviewerName: 'Phạm Thị Lan', at: '2026-03-01T00:00:00Z', revision: 2 },
      3,
      false,
    ],
    ['approved', { status: 'accepted', comment: '', reviewerName: 'Phạm Thị Lan', at: '2026-03-01T00:00:00Z', revision: 2 }, 2, false],
  ])('an accepted report %s: editable %s', (_, review, revision, editable) => {
    expect(isEditable({ state: 'accepted', review, revision })).toBe(editable)
  })

  it('an accepted report may be corrected while its year is open, whatever its review; sending or sent elsewhere, never', () => {
    const approved = { status: 'accepted' as const, comment: '', reviewerName: 'Phạm Thị Lan', at: '2026-03-01T00:00:00Z', revision: 2 }
    expect(isEditable({ state: 'accepted', revision: 2 }, true)).toBe(true)
    expect(isEditable({ state: 'accepted', review: approved, revision: 2 }, true)).toBe(true)
    expect(isEditable({ state: 'accepted', review: approved, revision: 2 }, false)).toBe(false)
    expect(isEditable({ state: 'sending', revision: 2 }, true)).toBe(false)
  })

  it('an entry counts as touched once it has a status, an amount or a note', () => {
    expect(isTouched(entry('visits', { status: 'not_started' }))).toBe(false)
    expect(isTouched(entry('visits', { status: 'not_started', note: '   ' }))).toBe(false)
    expect(isTouched(entry('visits', { status: 'not_started', amount: 0 }))).toBe(true)
    expect(isTouched(entry('visits', { status: 'not_started', note: 'hẹn lần sau' }))).toBe(true)
    expect(isTouched(entry('visits'))).toBe(true)
  })
})

describe('checking a report before it is sent', () => {
  it('accepts a complete report', () => {
    expect(rules(report())).toEqual([])
    expect(rules(report({ visitDate: today, visitTime: '23:59' }))).toEqual([])
  })

  it.each<[string, Partial<Report>, string[]]>([
    ['a visit date that is not a date', { visitDate: '2026-02-30' }, ['visitDate:date']],
    ['a visit in the future', { visitDate: '2026-11-26' }, ['visitDate:future']],
    ['a time that is not a time', { visitTime: '24:00' }, ['visitTime:time']],
    ['an empty summary', { summary: '  \n ' }, ['summary:required']],
    ['a summary too long', { summary: 'a'.repeat(REPORT_LIMITS.summaryLength + 1) }, ['summary:tooLong']],
    ['too many photos', { photoIds: Array.from({ length: REPORT_LIMITS.maxPhotos + 1 }, (_, i) => `p${i}`) }, ['photos:tooMany']],
    ['no commitment touched', { entries: [entry('visits', { status: 'not_started' })] }, ['entries:required']],
    ['a commitment not in the covenant', { entries: [entry('gone', { status: 'done' })] }, ['entries.gone:unknown']],
    ['an amount on a done item', { entries: [entry('reform', { status: 'done', amount: 1 })] }, ['entries.reform:notForDone']],
    ['a negative amount', { entries: [entry('visits', { amount: -1 })] }, ['entries.visits:amount']],
    ['an amount no real figure reaches', { entries: [entry('visits', { amount: 1e308 })] }, ['entries.visits:amount']],
    ['a fractional count', { entries: [entry('visits', { amount: 1.5 })] }, ['entries.visits:wholeNumber']],
    ['a percent over 100', { entries: [entry('poor', { amount: 100.5 })] }, ['entries.poor:percent']],
    ['a measured item in progress without an amount', { entries: [entry('poor')] }, ['entries.poor:amountRequired']],
    ['a note too long', { entries: [entry('reform', { note: 'a'.repeat(REPORT_LIMITS.noteLength + 1) })] }, ['entries.reform:tooLong']],
  ])('names %s', (_, overrides, expected) => {
    expect(rules(report(overrides))).toEqual(expected)
  })

  it('lets a measured item that was not started go without an amount, and takes a fractional percent', () => {
    expect(rules(report({ entries: [entry('visits', { status: 'not_started', note: 'dân đi nương' }), entry('poor', { amount: 62.5 })] }))).toEqual([])
  })

  it('names every problem at once, not only the first', () => {
    expect(rules(report({ summary: '', visitDate: '', entries: [entry('visits', { amount: 0.5 })] }))).toEqual(['visitDate:date', 'summary:required', 'entries.visits:wholeNumber'])
  })
})

describe('the commitments a report form shows', () => {
  it('puts those counted per commune first, each group in covenant order', () => {
    expect(commitmentsForReport(commitments).map((item) => item.id)).toEqual(['poor', 'visits', 'reform'])
    expect(commitments.map((item) => item.id)).toEqual(['reform', 'visits', 'poor'])
  })

  it('leaves out a commitment retired from the covenant', () => {
    expect(commitmentsForReport([...commitments, { ...visits, id: 'old', retiredAt: '2026-05-01T00:00:00.000Z' }]).map((item) => item.id)).toEqual(['poor', 'visits', 'reform'])
  })
})

describe('targets and pace', () => {
  it.each<[string, Commitment, ProgressScope, number | null]>([
    ['a commune-scoped target, in one commune', visits, { communeId: 'lung-cu' }, 12],
    ['a commune-scoped target, for a unit with three communes', visits, { communes: 3 }, 36],
    ['a commune-scoped target, for a unit with none yet', visits, { communes: 0 }, 12],
    ['a unit-scoped target, whatever the communes', { ...visits, scope: 'unit' }, { communes: 3 }, 12],
    ['a yes-or-no commitment', reform, { communes: 3 }, null],
  ])('%s', (_, item, scope, target) => {
    expect(targetFor(item, scope)).toBe(target)
  })

  it('counts a unit’s visits against the target of all its communes', () => {
    const reports = [report({ state: 'accepted', entries: [entry('visits', { status: 'done', amount: 6 })] })]
    expect(progressOf(commitments, reports, { communes: 2 }).get('visits')).toMatchObject({ target: 24, ratio: 0.25 })
  })

  it.each<[string, Record<string, number>, number]>([
    ['each commune half way', { 'lung-cu': 6, 'sung-la': 6 }, 0.5],
    ['four times one commune’s target does not make up for none in the other', { 'lung-cu': 48 }, 0.5],
    ['each commune met', { 'lung-cu': 12, 'sung-la': 12 }, 1],
    ['a commune no longer assigned counts for nothing', { 'pho-bang': 24 }, 0],
  ])('meets a commune-scoped target commune by commune: %s', (_, amounts, ratio) => {
    const reports = Object.entries(amounts).map(([communeId, amount]) => report({ state: 'accepted', communeId, entries: [entry('visits', { status: 'done', amount })] }))
    expect(progressOf(commitments, reports, { communeIds: ['lung-cu', 'sung-la'] }).get('visits')).toMatchObject({ target: 24, ratio })
  })

  it.each<[string, Commitment, number | null, number, Pace]>([
    ['reached', visits, 1, 0.4, 'done'],
    ['as far as the year', visits, 0.4, 0.4, 'on_track'],
    ['a little short of the year', visits, 0.37, 0.4, 'on_track'],
    ['well short of the year', visits, 0.2, 0.4, 'behind'],
    ['yes-or-no, not yet done, mid-year', reform, 0, 0.5, 'not_due'],
    ['yes-or-no, not done when the year is over', reform, 0, 1, 'behind'],
    ['without a target', visits, null, 0.5, 'not_due'],
  ])('pace: %s', (_, item, ratio, elapsed, pace) => {
    expect(paceOf(item, ratio, elapsed)).toBe(pace)
  })

  it.each([
    ['2026-01-01T00:00:00Z', 0],
    ['2026-07-02T12:00:00Z', 0.5],
    ['2027-03-01T00:00:00Z', 1],
    ['2025-12-31T00:00:00Z', 0],
  ])('the year 2026 at %s has run %s', (at, elapsed) => {
    expect(yearElapsed(2026, new Date(at))).toBeCloseTo(elapsed, 2)
  })
})

describe('progress from reports', () => {
  const progress = (reports: Report[], communeId?: string) => progressOf(commitments, reports, communeId === undefined ? {} : { communeId })

  it('starts every commitment at nothing', () => {
    const result = progress([])
    expect([...result.keys()]).toEqual(['reform', 'visits', 'poor'])
    expect(result.get('visits')).toEqual({
      commitmentId: 'visits',
      accepted: 0,
      pending: 0,
      doneAccepted: false,
      donePending: false,
      reports: { accepted: 0, pending: 0 },
      target: 12,
      ratio: 0,
    })
    expect(result.get('reform')?.ratio).toBe(0)
  })

  it('adds counts, keeping accepted and pending apart, and ignores drafts and rejected reports', () => {
    const result = progress([
      report({ state: 'accepted', entries: [entry('visits', { amount: 2 })] }),
      report({ state: 'accepted', entries: [entry('visits', { amount: 1 })] }),
      report({ state: 'queued', entries: [entry('visits', { amount: 3 })] }),
      report({ state: 'sending', entries: [entry('visits', { amount: 1 })] }),
      report({ state: 'draft', entries: [entry('visits', { amount: 50 })] }),
      report({ state: 'rejected', entries: [entry('visits', { amount: 50 })] }),
    ]).get('visits')
    expect(result).toMatchObject({ accepted: 3, pending: 4, reports: { accepted: 2, pending: 2 } })
    expect(result?.ratio).toBeCloseTo(7 / 12)
  })

  it('takes the highest level reached for a percent, not the sum', () => {
    const result = progress([
      report({ state: 'accepted', entries: [entry('poor', { amount: 40 })] }),
      report({ state: 'accepted', entries: [entry('poor', { amount: 60 })] }),
      report({ state: 'queued', entries: [entry('poor', { amount: 50 })] }),
    ]).get('poor')
    expect(result).toMatchObject({ accepted: 60, pending: 50 })
    expect(result?.ratio).toBeCloseTo(60 / 80)
  })

  it('marks a done item done by the first report that says so, accepted or pending', () => {
    const pending = progress([report({ entries: [entry('reform', { status: 'done' })] })]).get('reform')
    expect(pending).toMatchObject({ doneAccepted: false, donePending: true, ratio: 1 })
    const started = progress([report({ state: 'accepted', entries: [entry('reform')] })]).get('reform')
    expect(started).toMatchObject({ doneAccepted: false, donePending: false, ratio: 0, reports: { accepted: 1, pending: 0 } })
  })

  it('never goes past the target', () => {
    expect(progress([report({ state: 'accepted', entries: [entry('visits', { amount: 30 })] })]).get('visits')?.ratio).toBe(1)
  })

  it('adds what the endpoint holds from the unit’s other members as accepted, commune by commune', () => {
    const held = [
      { communeId: 'lung-cu', commitmentId: 'visits', reports: 3, amount: 4, done: false },
      { communeId: 'sung-la', commitmentId: 'visits', reports: 1, amount: 20, done: false },
      { communeId: 'lung-cu', commitmentId: 'poor', reports: 2, amount: 70, done: false },
      { communeId: 'lung-cu', commitmentId: 'reform', reports: 1, amount: null, done: true },
    ]
    const own = [
      report({ state: 'accepted', communeId: 'lung-cu', entries: [entry('visits', { amount: 2 }), entry('poor', { amount: 50 })] }),
      report({ state: 'queued', communeId: 'lung-cu', entries: [entry('visits', { amount: 1 })] }),
    ]
    const inLungCu = progressOf(commitments, own, { communeId: 'lung-cu' }, held)
    expect(inLungCu.get('visits')).toMatchObject({ accepted: 6, pending: 1, reports: { accepted: 4, pending: 1 } })
    expect(inLungCu.get('poor')).toMatchObject({ accepted: 70 })
    expect(inLungCu.get('reform')).toMatchObject({ doneAccepted: true, ratio: 1 })
    // For the unit, a commune-scoped target is met commune by commune: Sủng Là's 20 visits make up for nothing in Lũng Cú.
    const unit = progressOf(commitments, own, { communeIds: ['lung-cu', 'sung-la'] }, held).get('visits')
    expect(unit).toMatchObject({ accepted: 26, pending: 1, target: 24 })
    expect(unit?.ratio).toBeCloseTo((7 / 12 + 1) / 2)
  })

  it('counts one commune alone when asked', () => {
    const reports = [
      report({ state: 'accepted', communeId: 'lung-cu', entries: [entry('visits', { amount: 2 })] }),
      report({ state: 'accepted', communeId: 'sung-la', entries: [entry('visits', { amount: 5 })] }),
    ]
    expect(progress(reports, 'lung-cu').get('visits')?.accepted).toBe(2)
    expect(progress(reports).get('visits')?.accepted).toBe(7)
  })

  it('ignores untouched entries and commitments the covenant no longer has', () => {
    const result = progress([report({ entries: [entry('visits', { status: 'not_started', amount: 4 }), entry('gone', { amount: 9 })] })])
    expect(result.get('visits')).toMatchObject({ pending: 0, reports: { accepted: 0, pending: 0 } })
    expect(result.has('gone')).toBe(false)
  })
})

describe('searching without diacritics', () => {
  it.each([
    ['Xã Lũng Cú', 'xa lung cu'],
    ['ĐỒNG VĂN', 'dong van'],
    ['  Nuôi   bò\tgiống ', 'nuoi bo giong'],
    // The same word typed with precomposed and combining marks folds to the same text.
    ['Nu\u0301i', 'nui'],
  ])('folds %j to %j', (text, folded) => {
    expect(foldVietnamese(text)).toBe(folded)
  })

  it('finds a text when every word appears, in any order and case', () => {
    expect(matchesSearch('Lũng Cú: nuôi bò giống cho hộ nghèo', 'bò lung')).toBe(true)
    expect(matchesSearch('Lũng Cú: nuôi bò giống cho hộ nghèo', 'LŨNG CÚ')).toBe(true)
    expect(matchesSearch('Lũng Cú: nuôi bò giống cho hộ nghèo', 'lung dê')).toBe(false)
    expect(matchesSearch('anything', '   ')).toBe(true)
  })
})

describe('Vietnamese order', () => {
  it.each([
    [
      ['Ăn', 'Anh', 'Âm'],
      ['Anh', 'Ăn', 'Âm'],
    ],
    [
      ['Đồng Văn', 'Dz', 'Dân'],
      ['Dân', 'Dz', 'Đồng Văn'],
    ],
    [
      ['Ơn', 'Om', 'Ôm'],
      ['Om', 'Ôm', 'Ơn'],
    ],
    [
      ['Ưng', 'Ủy ban', 'Uống'],
      ['Uống', 'Ủy ban', 'Ưng'],
    ],
    [
      ['Văn phòng Tỉnh ủy', 'Ủy ban Kiểm tra Tỉnh ủy', 'Ban Tổ chức Tỉnh ủy'],
      ['Ban Tổ chức Tỉnh ủy', 'Ủy ban Kiểm tra Tỉnh ủy', 'Văn phòng Tỉnh ủy'],
    ],
    [
      ['bản', 'Ban', 'bán'],
      ['Ban', 'bán', 'bản'],
    ],
  ])('orders %j as %j', (names, ordered) => {
    expect([...names].sort(byVietnamese((name) => name))).toEqual(ordered)
  })
})

describe('a visit in a year whose covenant is not signed yet', () => {
  it.each<[string, string, number | null, boolean]>([
    ['a January visit while the phone holds last year’s covenant', '2027-01-05', 2026, true],
    ['a visit of the covenant’s own year', '2026-12-30', 2026, false],
    ['an earlier year’s visit', '2025-12-30', 2026, false],
    ['no covenant on the phone yet', '2027-01-05', null, false],
    ['a date not yet typed in full', '2027-01', 2026, false],
  ])('%s waits: %s', (_, visitDate, year, waits) => {
    expect(waitsForCovenant(visitDate, year === null ? null : { year })).toBe(waits)
  })

  const next = { id: 'cov-2027', year: 2027 }
  it.each<[string, Partial<Report>, string, string[]]>([
    ['moves onto the covenant of its year, keeping what the new one still has', { visitDate: '2027-01-05' }, 'cov-2027', ['visits']],
    ['stays on its own year’s covenant', { visitDate: '2026-12-30' }, 'cov', ['visits', 'old']],
    ['stays once the endpoint holds it', { visitDate: '2027-01-05', receipt: { number: '26-000001', committedAt: '2027-01-06T00:00:00.000Z' } }, 'cov', ['visits', 'old']],
  ])('a report %s', (_, changes, covenantId, entries) => {
    const draft = report({ entries: [entry('visits', { status: 'done', amount: 1 }), entry('old', { status: 'done' })], ...changes })
    const moved = onCovenant(draft, next, [{ id: 'visits' }, { id: 'poor' }])
    expect([moved.covenantId, moved.entries.map((item) => item.commitmentId)]).toEqual([covenantId, entries])
  })
})
