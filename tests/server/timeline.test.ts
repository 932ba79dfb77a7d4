import { beforeAll, describe, expect, it } from 'vitest'
import type { CovenantDetail, PullResponse, PushedReport, PushResult } from '../../src/protocol'
import { pushMessages } from '../../server/messages'
import { pushReports, type Pusher } from '../../server/services/push'
import { toMember } from '../../server/services/reference'
import { reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

/**
 * The year's timeline as phones meet it: a year being evaluated still takes that year's visits,
 * even after the next covenant is signed, but a sent report changes then only when a reviewer
 * asks for more; a closed year takes nothing, and says why.
 */

let bloc: TestBloc
let pusher: Pusher
const year = new Date().getFullYear()

beforeAll(async () => {
  bloc = await testBloc()
  const device = await bloc.app.db
    .selectFrom('device')
    .innerJoin('member', 'member.id', 'device.member_id')
    .selectAll('member')
    .select('device.id as device_id')
    .where('member.unit_id', '=', bloc.own.unitId)
    .where('device.revoked_at', 'is', null)
    .executeTakeFirstOrThrow()
  pusher = { deviceId: device.device_id, member: toMember(device) }
}, 60_000)

async function move(covenantId: string, status: 'signed' | 'evaluating' | 'closed'): Promise<void> {
  const response = await bloc.app.inject({ method: 'POST', url: `/api/covenants/${covenantId}/status`, headers: bloc.admin, payload: { status } })
  expect(response.statusCode, response.body).toBe(200)
}

/** Push as the own unit's phone would, on the day `at`. */
async function pushOn(at: string, report: PushedReport): Promise<PushResult> {
  const { results } = await pushReports(bloc.app.db, pusher, { reports: [report] }, new Date(at))
  return results[0] ?? expect.fail('no answer')
}

const lastYears = (changes: Partial<PushedReport> = {}) => reportOf(bloc.own.field, { visitDate: `${year}-12-30`, ...changes })

describe('a year being evaluated', () => {
  beforeAll(async () => {
    await move(bloc.own.field.covenant.id, 'evaluating')
    const next = await bloc.app.inject({
      method: 'POST',
      url: '/api/covenants',
      headers: bloc.admin,
      payload: { year: year + 1, slogan: 'Năm mới', copyFrom: bloc.own.field.covenant.id },
    })
    expect(next.statusCode, next.body).toBe(201)
    await move(next.json<CovenantDetail>().covenant.id, 'signed')
  })

  it('is no longer what phones pull: the new year is', async () => {
    const pulled = await bloc.app.inject({ method: 'GET', url: '/api/pull?cursor=0', headers: bloc.own.field.headers })
    expect(pulled.json<PullResponse>().covenant).toMatchObject({ year: year + 1, status: 'signed' })
  })

  it('takes a visit of 30 December sent on 5 January, numbered in its own year', async () => {
    const answer = await pushOn(`${year + 1}-01-05T03:00:00Z`, lastYears())
    expect(answer).toMatchObject({ outcome: 'accepted', receipt: { number: expect.stringMatching(new RegExp(`^${String(year % 100).padStart(2, '0')}-`)) as string } })
  })

  it('refuses a visit outside its year, saying so', async () => {
    const answer = await pushOn(`${year + 1}-01-05T03:00:00Z`, lastYears({ visitDate: `${year + 1}-01-03` }))
    expect(answer).toMatchObject({ outcome: 'rejected', code: 'invalid', reason: pushMessages.visitOutsideYear(year) })
  })

  it('changes a sent report only once a reviewer asked for more', async () => {
    const report = lastYears()
    expect((await pushOn(`${year + 1}-01-05T03:00:00Z`, report)).outcome).toBe('accepted')
    const corrected = { ...report, summary: `${report.summary} Bổ sung.`, revision: 2 }
    expect(await pushOn(`${year + 1}-01-06T03:00:00Z`, corrected)).toMatchObject({ outcome: 'rejected', reason: pushMessages.correctionNotAsked(year) })

    const review = await bloc.app.inject({
      method: 'POST',
      url: `/api/reports/${report.id}/reviews`,
      headers: bloc.admin,
      payload: { status: 'needs_more', comment: 'Bổ sung số hộ', revision: 1 },
    })
    expect(review.statusCode, review.body).toBe(201)
    expect((await pushOn(`${year + 1}-01-07T03:00:00Z`, corrected)).outcome).toBe('accepted')
    // Answered once: the next revision waits for the next request.
    expect((await pushOn(`${year + 1}-01-08T03:00:00Z`, { ...corrected, summary: 'Lần ba', revision: 3 })).outcome).toBe('rejected')
  })
})

describe('a closed year', () => {
  it('refuses a new report with its reason, and still answers one it holds as before', async () => {
    const held = lastYears()
    expect((await pushOn(`${year + 1}-01-05T03:00:00Z`, held)).outcome).toBe('accepted')
    await move(bloc.own.field.covenant.id, 'closed')
    expect(await pushOn(`${year + 1}-02-01T03:00:00Z`, lastYears())).toMatchObject({ outcome: 'rejected', code: 'covenant_not_active', reason: pushMessages.covenantClosed(year) })
    expect((await pushOn(`${year + 1}-02-01T03:00:00Z`, held)).outcome).toBe('duplicate')
  })
})
