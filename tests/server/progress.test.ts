import { beforeAll, describe, expect, it } from 'vitest'
import { yearElapsed, type Commitment } from '../../src/domain'
import type { AssignmentsResponse, CommuneOverview, ErrorResponse, ProgressCell, ProgressResponse, PushedReport } from '../../src/protocol'
import { isoDay, pushOne, reportOf, type Field } from './field'
import { testBloc, type TestBloc } from './managers'

/**
 * What the progress routes count, from one bloc whose reports are known: Ban Dân vận (two
 * communes, A = Lao Và Chải and B = Sủng Thài) has four reports, Ban Tuyên giáo one, and Ban
 * Tuyên giáo helps commune A too, with one report there.
 */

let bloc: TestBloc
/** The demo covenant's year. */
const year = new Date().getFullYear()
/** The unit's commitments by their order in the demo covenant. */
let item: (order: number) => Commitment
let communeA: string
let communeB: string
/** The highest percentage reported on commitment 2: enough to be on track at this time of year. */
const high = Math.max(31, Math.min(99, Math.ceil(yearElapsed(year, new Date()) * 100)))
const firstOfYear = `${year}-01-01`

type PushedEntry = PushedReport['entries'][number]

const entry = (order: number, amount: number | null, status: PushedEntry['status'] = 'in_progress'): PushedEntry => ({ commitmentId: item(order).id, status, amount, note: '' })

async function accepted(field: Field, report: PushedReport): Promise<void> {
  expect((await pushOne(bloc.app, field, report)).outcome).toBe('accepted')
}

beforeAll(async () => {
  bloc = await testBloc()
  const { app, admin, own, other } = bloc
  expect(own.field.covenant.year).toBe(year)
  item = (order) => own.field.commitments.find((commitment) => commitment.order === order) ?? expect.fail(`no commitment ${order}`)
  ;[communeA, communeB] = own.field.communes.map((commune) => commune.id) as [string, string]
  expect(own.report.communeId).toBe(communeA)

  // The fixture's report in A: commitment 1 done, 3 poor households (5). Then:
  await accepted(own.field, reportOf(own.field, { communeId: communeB, visitDate: firstOfYear, entries: [entry(5, 4), entry(2, 30), entry(6, 2), entry(9, 1)] }))
  await accepted(own.field, reportOf(own.field, { entries: [entry(2, high), entry(6, 2, 'done')] }))
  // Only a report's latest revision counts: 45 %, not 80 %.
  const revised = reportOf(own.field, { communeId: communeB, entries: [entry(4, 80)] })
  await accepted(own.field, revised)
  await accepted(own.field, { ...revised, revision: 2, entries: [entry(4, 45)] })

  // Ban Tuyên giáo helps commune A as well, and reports there.
  const { assignments } = (await app.inject({ method: 'GET', url: `/api/assignments/${year}`, headers: admin })).json<AssignmentsResponse>()
  const wanted = [...assignments.map(({ unitId, communeId }) => ({ unitId, communeId })), { unitId: other.unitId, communeId: communeA }]
  expect((await app.inject({ method: 'PUT', url: `/api/assignments/${year}`, headers: admin, payload: { assignments: wanted } })).statusCode).toBe(200)
  await accepted(other.field, reportOf(other.field, { communeId: communeA, entries: [entry(5, 10), entry(1, null, 'done')] }))
}, 60_000)

async function progress(headers: { authorization: string }, query = ''): Promise<ProgressResponse> {
  const response = await bloc.app.inject({ method: 'GET', url: `/api/progress${query}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json<ProgressResponse>()
}

async function overview(headers: { authorization: string }, communeId: string, query = '') {
  return bloc.app.inject({ method: 'GET', url: `/api/communes/${communeId}/overview${query}`, headers })
}

function cellOf(cells: ProgressCell[], order: number): ProgressCell {
  return cells.find((cell) => cell.commitmentId === item(order).id) ?? expect.fail(`no cell for commitment ${order}`)
}

/** Ban Dân vận over its two communes. */
const ownCells = (): [number, Partial<ProgressCell>][] => [
  [1, { done: true, amount: 0, reports: 1, target: null, ratio: 1, pace: 'done' }],
  [2, { amount: high, reports: 2, target: 100, ratio: high / 100, pace: 'on_track' }],
  [3, { amount: 0, reports: 0, target: 12, ratio: 0, pace: 'behind' }],
  [4, { amount: 45, reports: 1, target: 90, ratio: 0.5 }],
  [5, { amount: 7, reports: 2, target: 40, ratio: 7 / 40 }],
  [6, { amount: 4, reports: 2, target: 4, ratio: 1, pace: 'done' }],
  [7, { done: false, amount: 0, reports: 0, target: null, ratio: 0, pace: 'not_due' }],
  [9, { amount: 1, reports: 1, target: 24, ratio: 1 / 24 }],
]

describe('GET /api/progress', () => {
  it('answers every unit × every commitment of the active covenant', async () => {
    const body = await progress(bloc.admin)
    expect(body.covenant).toMatchObject({ id: bloc.own.field.covenant.id, year, status: 'signed' })
    expect(body.commitments.map((commitment) => commitment.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(body.elapsed).toBeGreaterThan(0)
    expect(body.elapsed).toBeLessThanOrEqual(1)
    expect(body.units).toHaveLength(6)
    for (const unit of body.units) expect(unit.cells.map((cell) => cell.commitmentId)).toEqual(body.commitments.map((commitment) => commitment.id))
  })

  it.each(ownCells())('for a unit: commitment %i sums its reports against the target over the unit’s communes', async (order, expected) => {
    const own = (await progress(bloc.admin)).units.find((unit) => unit.unit.id === bloc.own.unitId) ?? expect.fail('no own unit')
    expect(cellOf(own.cells, order)).toMatchObject(expected)
  })

  it('reads progress as it stood on a day, such as 30 June for the mid-year review, with the pace of that day', async () => {
    const body = await progress(bloc.admin, `?asOf=${year}-06-30`)
    expect(body.elapsed).toBeCloseTo(yearElapsed(year, new Date(`${year}-06-30T23:59:59Z`)), 5)
    const own = body.units.find((unit) => unit.unit.id === bloc.own.unitId) ?? expect.fail('no own unit')
    // Only the visit of 1 January counts.
    expect(own.reports).toBe(1)
    expect(cellOf(own.cells, 5)).toMatchObject({ amount: 4, reports: 1 })
    expect(cellOf(own.cells, 2)).toMatchObject({ amount: 30, reports: 1 })
    expect(cellOf(own.cells, 1)).toMatchObject({ done: false, reports: 0 })
    const csv = await bloc.app.inject({ method: 'GET', url: `/api/export/reports.csv?asOf=${year}-06-30&unitId=${bloc.own.unitId}`, headers: bloc.admin })
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="giao-uoc-${year}-den-${year}-06-30-reports.csv"`)
    expect(csv.body.trim().split('\n')).toHaveLength(2)
  })

  it('counts each unit’s reports and communes apart', async () => {
    const { units } = await progress(bloc.admin)
    const own = units.find((unit) => unit.unit.id === bloc.own.unitId)
    const other = units.find((unit) => unit.unit.id === bloc.other.unitId)
    const office = units.find((unit) => unit.unit.name === 'Văn phòng Tỉnh ủy')
    expect(own?.reports).toBe(4)
    expect(own?.communes.map((commune) => commune.id).sort()).toEqual([communeA, communeB].sort())
    // Ban Tuyên giáo: three communes now, so a commune commitment's target is three times it.
    expect(other?.reports).toBe(2)
    expect(other?.communes.map((commune) => commune.name).sort()).toEqual(['Lao Và Chải', 'Pả Vi', 'Xín Cái'])
    expect(cellOf(other?.cells ?? [], 5)).toMatchObject({ amount: 13, reports: 2, target: 60 })
    expect(cellOf(other?.cells ?? [], 1)).toMatchObject({ done: true, reports: 2, pace: 'done' })
    // The office has no report and one commune.
    expect(office?.reports).toBe(0)
    expect(office?.communes.map((commune) => commune.name)).toEqual(['Nấm Dẩn'])
    expect(cellOf(office?.cells ?? [], 5)).toMatchObject({ amount: 0, reports: 0, target: 20, ratio: 0, pace: 'behind' })
    expect(cellOf(office?.cells ?? [], 1)).toMatchObject({ done: false, pace: 'not_due' })
  })

  it('answers one unit when asked, and a lead their own unit', async () => {
    const asked = await progress(bloc.admin, `?unitId=${bloc.own.unitId}`)
    expect(asked.units.map((unit) => unit.unit.id)).toEqual([bloc.own.unitId])
    const all = await progress(bloc.admin)
    expect(asked.units[0]).toEqual(all.units.find((unit) => unit.unit.id === bloc.own.unitId))
    const byLead = await progress(bloc.own.lead)
    expect(byLead.units).toEqual(asked.units)
    expect(byLead.commitments).toEqual(asked.commitments)
  })

  it('answers a year without a covenant empty', async () => {
    expect(await progress(bloc.admin, `?year=${year + 20}`)).toEqual({ covenant: null, commitments: [], elapsed: 0, units: [] })
    expect(await progress(bloc.own.lead, `?year=${year + 20}`)).toEqual({ covenant: null, commitments: [], elapsed: 0, units: [] })
  })

  it('answers a draft year with its commitments and nothing done', async () => {
    const created = await bloc.app.inject({
      method: 'POST',
      url: '/api/covenants',
      headers: bloc.admin,
      payload: { year: year + 1, slogan: 'Năm sau', copyFrom: bloc.own.field.covenant.id },
    })
    expect(created.statusCode).toBe(201)
    const body = await progress(bloc.admin, `?year=${year + 1}`)
    expect(body.covenant).toMatchObject({ year: year + 1, status: 'draft' })
    expect(body.elapsed).toBe(0)
    expect(body.commitments).toHaveLength(9)
    for (const unit of body.units) {
      expect(unit.reports).toBe(0)
      // No commune is assigned for next year yet: a commune commitment's target is for one.
      expect(unit.communes).toEqual([])
      expect(unit.cells.every((cell) => cell.amount === 0 && cell.reports === 0 && !cell.done)).toBe(true)
    }
  })
})

describe('GET /api/communes/:communeId/overview', () => {
  it('counts the visits to the commune month by month, and its progress only', async () => {
    const response = await overview(bloc.admin, communeB)
    expect(response.statusCode, response.body).toBe(200)
    const body = response.json<CommuneOverview>()
    expect(body.commune).toMatchObject({ id: communeB, name: 'Sủng Thài' })
    expect(body.covenant?.id).toBe(bloc.own.field.covenant.id)
    expect(body.units.map((unit) => unit.id)).toEqual([bloc.own.unitId])
    const days = [firstOfYear, isoDay(new Date())]
    expect(body.visits).toEqual(Array.from({ length: 12 }, (_, month) => days.filter((day) => Number(day.slice(5, 7)) === month + 1).length))
    // The commune's own target, not the unit's over two communes.
    expect(cellOf(body.cells, 5)).toMatchObject({ amount: 4, reports: 1, target: 20, ratio: 0.2 })
    expect(cellOf(body.cells, 2)).toMatchObject({ amount: 30, reports: 1 })
    expect(cellOf(body.cells, 4)).toMatchObject({ amount: 45, reports: 1 })
    expect(cellOf(body.cells, 6)).toMatchObject({ amount: 2, target: 2, ratio: 1, pace: 'done' })
    expect(cellOf(body.cells, 9)).toMatchObject({ amount: 1, target: 12 })
    expect(cellOf(body.cells, 1)).toMatchObject({ done: false, reports: 0 })
  })

  it('counts every unit helping the commune for the admin, and only their own for a lead', async () => {
    const all = (await overview(bloc.admin, communeA)).json<CommuneOverview>()
    expect(all.units.map((unit) => unit.id).sort()).toEqual([bloc.own.unitId, bloc.other.unitId].sort())
    const month = Number(isoDay(new Date()).slice(5, 7)) - 1
    expect(all.visits[month]).toBe(3)
    expect(all.visits.reduce((sum, n) => sum + n, 0)).toBe(3)
    expect(cellOf(all.cells, 5)).toMatchObject({ amount: 13, reports: 2, target: 20 })
    expect(cellOf(all.cells, 1)).toMatchObject({ done: true, reports: 2 })

    const mine = (await overview(bloc.own.lead, communeA)).json<CommuneOverview>()
    expect(mine.units.map((unit) => unit.id)).toEqual([bloc.own.unitId])
    expect(mine.visits[month]).toBe(2)
    expect(cellOf(mine.cells, 5)).toMatchObject({ amount: 3, reports: 1, target: 20 })
    expect(cellOf(mine.cells, 2)).toMatchObject({ amount: high, reports: 1 })

    const theirs = (await overview(bloc.other.lead, communeA)).json<CommuneOverview>()
    expect(cellOf(theirs.cells, 5)).toMatchObject({ amount: 10, reports: 1 })
  })

  it('refuses a lead a commune their unit does not help, and answers 404 for an unknown one', async () => {
    const notOurs = bloc.other.field.communes.find((commune) => commune.id !== communeA) ?? expect.fail('no commune of the other unit')
    const refused = await overview(bloc.own.lead, notOurs.id)
    expect(refused.statusCode).toBe(403)
    expect(refused.json<ErrorResponse>().code).toBe('forbidden')
    expect((await overview(bloc.admin, notOurs.id)).statusCode).toBe(200)
    expect((await overview(bloc.admin, '00000000-0000-4000-8000-000000000000')).statusCode).toBe(404)
  })

  it('answers a year without a covenant empty', async () => {
    const response = await overview(bloc.admin, communeA, `?year=${year + 20}`)
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json<CommuneOverview>()).toMatchObject({ covenant: null, commitments: [], elapsed: 0, units: [], visits: Array<number>(12).fill(0), cells: [] })
  })
})
