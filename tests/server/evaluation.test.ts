import readExcelFile from 'read-excel-file/node'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_EVALUATION_RULES } from '../../src/domain'
import type { CovenantDetail, EvaluationResponse, ScoreSheetRequest, UnitEvaluation } from '../../src/protocol'
import { testBloc, type TestBloc } from './managers'

/**
 * The year's end at the endpoint: who may read and change what, the states of a
 * self-assessment, the bloc's scores and ranking, the vote, publication, and the lock once the
 * covenant is closed, whatever the app shows.
 */

type Headers = { authorization: string }
const nothing = { reportIds: [], photoIds: [] }

let bloc: TestBloc
let covenant: CovenantDetail
const url = (rest = '') => `/api/covenants/${covenant.covenant.id}/evaluation${rest}`

async function call(headers: Headers, method: 'GET' | 'PUT' | 'POST', path: string, payload?: object) {
  return bloc.app.inject({ method, url: path, headers, ...(payload && { payload }) })
}
async function ok(headers: Headers, method: 'GET' | 'PUT' | 'POST', path: string, payload?: object): Promise<EvaluationResponse> {
  const response = await call(headers, method, path, payload)
  expect(response.statusCode, response.body).toBe(200)
  return response.json<EvaluationResponse>()
}
const unitIn = (answer: EvaluationResponse, unitId: string): UnitEvaluation => answer.units.find((unit) => unit.unit.id === unitId) ?? expect.fail(`unit ${unitId} not shown`)

/** A sheet that scores every commitment at `share` of its points. */
function sheet(share: number, items: ScoreSheetRequest['items'] = []): ScoreSheetRequest {
  return { scores: covenant.commitments.map((item) => ({ commitmentId: item.id, points: item.maxPoints * share, note: 'Theo báo cáo', evidence: nothing })), items }
}

async function moveTo(status: 'evaluating' | 'closed'): Promise<void> {
  const response = await call(bloc.admin, 'POST', `/api/covenants/${covenant.covenant.id}/status`, { status })
  expect(response.statusCode, response.body).toBe(200)
}

beforeAll(async () => {
  bloc = await testBloc()
  covenant = (await call(bloc.admin, 'GET', `/api/covenants/${bloc.own.field.covenant.id}`)).json<CovenantDetail>()
}, 60_000)

describe('before the year is evaluated', () => {
  it('the evaluation reads, with the default rules, but takes no score', async () => {
    const answer = await ok(bloc.admin, 'GET', url())
    expect(answer.rules).toEqual(DEFAULT_EVALUATION_RULES)
    expect(answer.scale).toBe(100)
    const refused = await call(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(1))
    expect(refused.statusCode).toBe(409)
  })

  it('a signed covenant moves to evaluating, not straight to closed', async () => {
    expect((await call(bloc.admin, 'POST', `/api/covenants/${covenant.covenant.id}/status`, { status: 'closed' })).statusCode).toBe(409)
    await moveTo('evaluating')
  })
})

describe('suggested scores', () => {
  it('come from the reports the unit sent, beside every score', async () => {
    const answer = await ok(bloc.admin, 'GET', url())
    const own = unitIn(answer, bloc.own.unitId)
    const counted = covenant.commitments.find((item) => item.measure === 'count' && item.scope === 'commune') ?? expect.fail('no commune count')
    const line = own.lines.find((row) => row.commitmentId === counted.id)
    // Three of the target in one of the unit's two communes, none in the other.
    expect(line?.suggested).toBeCloseTo((counted.maxPoints * (3 / (counted.target ?? 1))) / 2, 2)
    const quiet = answer.units.find((unit) => unit.unit.id !== bloc.own.unitId && unit.unit.id !== bloc.other.unitId) ?? expect.fail('a third unit')
    expect(quiet.lines.every((row) => row.suggested === 0 || covenant.commitments.find((item) => item.id === row.commitmentId)?.target === 0)).toBe(true)
  })
})

describe('self-assessment', () => {
  it('is the unit’s own lead’s: not the admin’s, not another lead’s', async () => {
    expect((await call(bloc.admin, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(1))).statusCode).toBe(403)
    expect((await call(bloc.other.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(1))).statusCode).toBe(403)
  })

  it('refuses a score over its commitment’s points, naming it', async () => {
    const [first] = covenant.commitments
    const response = await call(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), {
      scores: [{ commitmentId: first?.id, points: (first?.maxPoints ?? 0) + 1, note: '', evidence: nothing }],
      items: [],
    })
    expect(response.statusCode).toBe(400)
    expect(response.json<{ problems: { rule: string }[] }>().problems).toEqual([{ field: `scores.${first?.id}`, rule: 'max' }])
  })

  it('is saved with a bonus item within the cap, submitted, locked, returned with why, and submitted again', async () => {
    const bonus = { kind: 'bonus' as const, title: 'Mô hình nuôi bò', points: 8, reason: 'Sáng kiến', evidence: { reportIds: [bloc.own.report.id], photoIds: [bloc.own.photoId] } }
    const saved = await ok(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(0.9, [bonus]))
    const own = unitIn(saved, bloc.own.unitId)
    expect(own.selfStatus).toBe('draft')
    expect(own.selfItems).toEqual([bonus])
    // 90 of 100, and 8 bonus points counted as the cap of 5.
    expect(own.selfTotal).toBe(95)

    expect(unitIn(await ok(bloc.own.lead, 'POST', url(`/units/${bloc.own.unitId}/self/submit`)), bloc.own.unitId).selfStatus).toBe('submitted')
    expect((await call(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(1))).statusCode).toBe(409)
    expect((await call(bloc.own.lead, 'POST', url(`/units/${bloc.own.unitId}/self/return`), { comment: 'Tự trả' })).statusCode).toBe(403)

    const returned = unitIn(await ok(bloc.admin, 'POST', url(`/units/${bloc.own.unitId}/self/return`), { comment: 'Bổ sung minh chứng mô hình' }), bloc.own.unitId)
    expect(returned).toMatchObject({ selfStatus: 'returned', selfComment: 'Bổ sung minh chứng mô hình' })
    expect((await call(bloc.admin, 'POST', url(`/units/${bloc.own.unitId}/self/return`), { comment: 'Lần nữa' })).statusCode).toBe(409)

    await ok(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(0.9, [bonus]))
    expect(unitIn(await ok(bloc.own.lead, 'POST', url(`/units/${bloc.own.unitId}/self/submit`)), bloc.own.unitId).selfStatus).toBe('submitted')
  })
})

describe('the bloc’s scores and the ranking', () => {
  it('are the admin’s while the admin scores alone', async () => {
    expect((await call(bloc.own.lead, 'PUT', url(`/units/${bloc.other.unitId}/bloc`), sheet(1))).statusCode).toBe(403)
  })

  it('rank equal totals by the stated tie-break, and say which step decided', async () => {
    await ok(bloc.admin, 'PUT', url(`/units/${bloc.own.unitId}/bloc`), sheet(0.9, [{ kind: 'penalty', title: 'Nộp báo cáo chậm', points: 1, reason: '', evidence: nothing }]))
    const answer = await ok(bloc.admin, 'PUT', url(`/units/${bloc.other.unitId}/bloc`), sheet(0.89))
    const own = unitIn(answer, bloc.own.unitId)
    const other = unitIn(answer, bloc.other.unitId)
    expect([own.total, other.total]).toEqual([89, 89])
    expect(other).toMatchObject({ rank: 1, decidedBy: null, band: 'Tốt' })
    expect(own).toMatchObject({ rank: 2, decidedBy: 'fewer_penalty', decidedByGroup: null, penalty: 1 })
  })

  it('are hidden from a lead but for their own unit until published, then shown to all', async () => {
    const before = await ok(bloc.other.lead, 'GET', url())
    expect(before.units.map((unit) => unit.unit.id)).toEqual([bloc.other.unitId])
    expect(before.units[0]?.rank).toBeNull()
    expect((await call(bloc.other.lead, 'POST', url('/publish'))).statusCode).toBe(403)
    await ok(bloc.admin, 'POST', url('/publish'))
    const after = await ok(bloc.other.lead, 'GET', url())
    expect(after.publishedAt).not.toBeNull()
    expect(after.units.length).toBeGreaterThan(2)
    expect(after.units[0]).toMatchObject({ unit: { id: bloc.other.unitId }, rank: 1 })
  })

  it('take the vote against the share of the member units, not of the ballots', async () => {
    const answer = await ok(bloc.admin, 'PUT', url('/votes'), {
      votes: [
        { unitId: bloc.other.unitId, votes: 4 },
        { unitId: bloc.own.unitId, votes: 2 },
      ],
    })
    expect(answer.units.length).toBe(6)
    expect(unitIn(answer, bloc.other.unitId)).toMatchObject({ votes: 4, voteCarries: true })
    expect(unitIn(answer, bloc.own.unitId)).toMatchObject({ votes: 2, voteCarries: false })
  })
})

describe('cross-scoring', () => {
  it('lets each lead score the other units, never their own, and averages without the unit’s own', async () => {
    await ok(bloc.admin, 'PUT', url('/rules'), { ...DEFAULT_EVALUATION_RULES, scoringMode: 'cross' })
    expect((await call(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/bloc`), sheet(1))).statusCode).toBe(403)
    expect((await call(bloc.admin, 'PUT', url(`/units/${bloc.own.unitId}/bloc`), sheet(1))).statusCode).toBe(403)
    const bonus = { kind: 'bonus' as const, title: 'Sáng kiến', points: 2, reason: '', evidence: nothing }
    const answer = await ok(bloc.other.lead, 'PUT', url(`/units/${bloc.own.unitId}/bloc`), sheet(0.5, [bonus]))
    const own = unitIn(answer, bloc.own.unitId)
    expect(own.lines.every((line) => line.byScorer.length === 1 && line.byScorer[0]?.unitId === bloc.other.unitId)).toBe(true)
    // The other unit's 50 and its bonus of 2; the admin's penalty of the admin-scored stage no longer counts.
    expect(own.total).toBe(52)
    // Each bloc item says who gave it, so a scorer's sheet starts from their own.
    expect(own.blocItems.map((item) => [item.title, item.scorerUnitId])).toEqual([
      ['Nộp báo cáo chậm', ''],
      ['Sáng kiến', bloc.other.unitId],
    ])
  })

  it('refuses rules that do not hold together', async () => {
    const response = await call(bloc.admin, 'PUT', url('/rules'), {
      ...DEFAULT_EVALUATION_RULES,
      bands: [
        { name: 'Tốt', min: 85 },
        { name: 'Khá', min: 85 },
      ],
    })
    expect(response.statusCode).toBe(400)
    expect((await call(bloc.own.lead, 'PUT', url('/rules'), DEFAULT_EVALUATION_RULES)).statusCode).toBe(403)
  })
})

describe('proposals', () => {
  const exemplar = {
    award: 'Bằng khen',
    unitId: null,
    nominee: 'Ông Sùng Mí Pó, trưởng thôn Khâu Vai',
    achievements: 'Vận động 12 hộ hiến đất làm đường bê tông nội thôn.',
    evidence: { reportIds: [], photoIds: [] },
    status: 'proposed',
  }

  it('are the admin’s: a unit or a person for one of the year’s awards, then approved', async () => {
    expect((await call(bloc.own.lead, 'POST', url('/proposals'), exemplar)).statusCode).toBe(403)
    expect((await call(bloc.admin, 'POST', url('/proposals'), { ...exemplar, award: 'Huân chương' })).statusCode).toBe(400)
    expect((await call(bloc.admin, 'POST', url('/proposals'), { ...exemplar, nominee: ' ' })).statusCode).toBe(400)
    await ok(bloc.admin, 'POST', url('/proposals'), { ...exemplar, award: 'Cờ thi đua', unitId: bloc.other.unitId, nominee: '', achievements: 'Dẫn đầu khối.' })
    const proposed = await ok(bloc.admin, 'POST', url('/proposals'), exemplar)
    const person = proposed.proposals.find((item) => item.nominee === exemplar.nominee) ?? expect.fail('not proposed')
    const approved = await ok(bloc.admin, 'PUT', url(`/proposals/${person.id}`), { ...exemplar, status: 'approved' })
    expect(approved.proposals.map((item) => [item.award, item.status])).toEqual([
      ['Bằng khen', 'approved'],
      ['Cờ thi đua', 'proposed'],
    ])
    // Published: every lead of the bloc reads them.
    expect((await ok(bloc.own.lead, 'GET', url())).proposals).toHaveLength(2)
  })
})

describe('the score sheet as a workbook', () => {
  it('has the ranked units with their scores, every line, and the bonus and penalty items', async () => {
    const response = await call(bloc.admin, 'GET', url('/scores.xlsx'))
    expect(response.statusCode, response.body).toBe(200)
    expect(response.headers['content-disposition']).toBe(`attachment; filename="giao-uoc-${covenant.covenant.year}-bang-diem.xlsx"`)
    const sheets = await readExcelFile(response.rawPayload)
    expect(sheets.map((sheet) => sheet.sheet)).toEqual(['Bảng điểm', 'Chi tiết chấm điểm', 'Điểm thưởng, điểm trừ'])
    const [scores, lines, items] = sheets.map((sheet) => sheet.data as unknown[][])
    expect(scores?.[0]?.slice(0, 4)).toEqual(['Xếp hạng', 'Đơn vị', '1. Tự chấm', '1. Khối chấm'])
    expect(scores?.[0]?.slice(-6)).toEqual(['Điểm thưởng', 'Điểm trừ', 'Tổng điểm', 'Xếp loại', 'Số phiếu', 'Dữ liệu mẫu'])
    expect(scores).toHaveLength(7)
    // The demo's units are marked as such.
    expect(scores?.slice(1).map((row) => row.at(-1))).toEqual(Array.from({ length: 6 }, () => 'Mẫu'))
    expect(lines).toHaveLength(1 + 6 * covenant.commitments.length)
    expect(items?.slice(1)).toEqual(expect.arrayContaining([['Ban Dân vận Tỉnh ủy', 'Tự chấm', 'Điểm thưởng', 'Mô hình nuôi bò', 8, 'Sáng kiến']]))
  })
})

describe('closing the year', () => {
  it('locks every score, item, rule and vote; the results still read', async () => {
    await moveTo('closed')
    const attempts = [
      call(bloc.other.lead, 'PUT', url(`/units/${bloc.own.unitId}/bloc`), sheet(1)),
      call(bloc.own.lead, 'PUT', url(`/units/${bloc.own.unitId}/self`), sheet(1)),
      call(bloc.admin, 'PUT', url('/rules'), DEFAULT_EVALUATION_RULES),
      call(bloc.admin, 'PUT', url('/votes'), { votes: [] }),
      call(bloc.admin, 'POST', url('/publish')),
      call(bloc.admin, 'POST', url(`/units/${bloc.own.unitId}/self/return`), { comment: 'Muộn' }),
    ]
    for (const response of await Promise.all(attempts)) expect(response.statusCode, response.body).toBe(409)
    expect((await ok(bloc.admin, 'GET', url())).units.length).toBe(6)
  })
})
