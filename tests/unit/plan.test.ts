import { describe, expect, it } from 'vitest'
import { dueCount, needsRescueFile, visitPlan, type Commune, type PlanInput } from '@/domain'
import { aCommitment, aReport } from './fixtures'

const visits = aCommitment()
const reform = aCommitment({ id: 'reform', order: 1, title: 'Cải cách hành chính', measure: 'done', target: null, unitLabel: '', scope: 'unit' })
const lungCu: Commune = { id: 'lung-cu', name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' }
const sungLa: Commune = { id: 'sung-la', name: 'Sủng Là', district: 'Đồng Văn', province: 'Hà Giang' }

// The first of July: half the year gone.
const now = new Date('2026-07-02T03:00:00Z')
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 60 * 60 * 1000).toISOString()
const plan = (input: Partial<PlanInput>) =>
  visitPlan({ now, year: 2026, communes: [lungCu, sungLa], commitments: [reform, visits], reports: [], held: [], lastVisits: [], ...input })

describe('the visit plan', () => {
  it('lists refused reports first, then drafts and reports stuck in the queue for days, oldest first; not a report queued today', () => {
    const refused = aReport({ state: 'rejected', updatedAt: daysAgo(1) })
    const oldDraft = aReport({ state: 'draft', updatedAt: daysAgo(9) })
    const newDraft = aReport({ state: 'draft', updatedAt: daysAgo(0) })
    const stuck = aReport({ state: 'queued', updatedAt: daysAgo(4) })
    const queuedToday = aReport({ state: 'queued', updatedAt: daysAgo(0) })
    const sent = aReport({ state: 'accepted', updatedAt: daysAgo(20) })
    const { unsent } = plan({ reports: [newDraft, stuck, sent, queuedToday, refused, oldDraft] })
    expect(unsent.map((item) => [item.report.id, item.kind, item.days])).toEqual([
      [refused.id, 'refused', 1],
      [oldDraft.id, 'draft', 9],
      [stuck.id, 'waiting', 4],
      [newDraft.id, 'draft', 0],
    ])
  })

  it('names communes the unit has not visited for 60 days, or not at all this year, the longest first', () => {
    const quiet = plan({ lastVisits: [{ communeId: 'lung-cu', date: daysAgo(75).slice(0, 10) }] }).quiet
    expect(quiet.map((row) => [row.commune.id, row.lastVisit === null ? null : row.days])).toEqual([
      ['sung-la', null],
      ['lung-cu', 75],
    ])
    // The phone's own visit, not yet known to the endpoint, counts; a draft's does not.
    const own = aReport({ communeId: 'sung-la', visitDate: daysAgo(5).slice(0, 10), state: 'queued' })
    const draft = aReport({ communeId: 'lung-cu', visitDate: daysAgo(1).slice(0, 10), state: 'draft' })
    expect(plan({ reports: [own, draft], lastVisits: [{ communeId: 'lung-cu', date: daysAgo(75).slice(0, 10) }] }).quiet.map((row) => row.commune.id)).toEqual(['lung-cu'])
  })

  it('names, per commune, the commitments behind the pace of the year, counting what the endpoint holds from others', () => {
    const mine = aReport({ communeId: 'lung-cu', state: 'accepted', entries: [{ commitmentId: 'visits', status: 'in_progress', amount: 2, note: '' }] })
    const behind = plan({ reports: [mine] }).behind
    expect(behind.map((row) => [row.commune.id, row.items.map((item) => [item.commitment.id, item.ratio])])).toEqual([
      ['lung-cu', [['visits', 2 / 12]]],
      ['sung-la', [['visits', 0]]],
    ])
    const held = [{ communeId: 'lung-cu', commitmentId: 'visits', reports: 4, amount: 4, done: false }]
    expect(plan({ reports: [mine], held }).behind.map((row) => row.commune.id)).toEqual(['sung-la'])
  })

  it('counts for a reminder what wants the cadre now: refused and stale reports, quiet communes', () => {
    const result = plan({
      reports: [aReport({ state: 'rejected', updatedAt: daysAgo(0) }), aReport({ state: 'draft', updatedAt: daysAgo(0) }), aReport({ state: 'draft', updatedAt: daysAgo(5) })],
      lastVisits: [
        { communeId: 'lung-cu', date: daysAgo(3).slice(0, 10) },
        { communeId: 'sung-la', date: daysAgo(90).slice(0, 10) },
      ],
    })
    expect(dueCount(result)).toBe(3)
  })
})

describe('the reminder to save unsent work to a file', () => {
  const waiting = (days: number) => plan({ reports: [aReport({ state: 'queued', updatedAt: daysAgo(days) })] })

  it('comes when work has waited three days and nothing has been sent for as long', () => {
    expect(needsRescueFile(waiting(3), daysAgo(4), now)).toBe(true)
    expect(needsRescueFile(waiting(5), null, now)).toBe(true)
  })

  it('does not come for fresh work, nor while the phone still reaches the endpoint', () => {
    expect(needsRescueFile(waiting(1), null, now)).toBe(false)
    expect(needsRescueFile(waiting(5), daysAgo(1), now)).toBe(false)
    expect(needsRescueFile(plan({}), null, now)).toBe(false)
  })
})
