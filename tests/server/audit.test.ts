import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_EVALUATION_RULES } from '../../src/domain'
import {
  AUDIT_ACTIONS,
  type AuditAction,
  type AuditDetails,
  type AuditEntry,
  type AuditResponse,
  type CovenantDetail,
  type MemberDetail,
  type SetupResponse,
} from '../../src/protocol'
import { exemplarOf, jpeg, photoOf, pushExemplars, pushOne, reportOf } from './field'
import { enrolledAs, refuseInserts } from './helper'
import { testBloc, type TestBloc } from './managers'
import { writeRescueFile } from '../../src/rescue/file'

/**
 * What the audit log records: one entry for each kind of change a lead or the admin makes, with
 * who, which unit and the facts of it; read newest first, a page at a time, and by a lead only
 * where it concerns their unit.
 */

type Headers = { authorization: string }
type Request = Omit<InjectOptions, 'headers'> & { method: NonNullable<InjectOptions['method']>; url: string }
/** What a case expects of the entry its last request left. */
interface Expected {
  /** Who acted: the admin, the unit's lead, or the unit's first cadre (on their phone). */
  by: 'admin' | 'lead' | 'cadre'
  unitId: string | null
  details: AuditDetails
}

const year = new Date().getFullYear()
const PASSWORD = 'một mật khẩu bí mật thử'

async function send<T>(bloc: TestBloc, headers: Headers, request: Request, contentType?: string): Promise<T> {
  const response = await bloc.app.inject({ ...request, headers: { ...headers, ...(contentType && { 'content-type': contentType }) } })
  expect(response.statusCode, `${request.method} ${request.url}: ${response.body}`).toBeLessThan(300)
  return (response.headers['content-type']?.toString().startsWith('application/json') ? response.json() : null) as T
}

async function audit(bloc: TestBloc, headers: Headers, query = ''): Promise<AuditResponse> {
  const response = await bloc.app.inject({ method: 'GET', url: `/api/audit${query}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json<AuditResponse>()
}

// Drafts of past years: signing one never takes the phones off this year's covenant.
let pastYear = year - 1
async function draft(bloc: TestBloc, signed = false): Promise<CovenantDetail> {
  const created = await send<CovenantDetail>(bloc, bloc.admin, {
    method: 'POST',
    url: '/api/covenants',
    payload: { year: pastYear--, slogan: 'Năm cũ', copyFrom: bloc.own.field.covenant.id },
  })
  if (signed) await send(bloc, bloc.admin, { method: 'POST', url: `/api/covenants/${created.covenant.id}/status`, payload: { status: 'signed' } })
  return created
}
const firstOf = (covenant: CovenantDetail) => covenant.commitments[0] ?? expect.fail('no commitment')
const commitmentBody = { group: 'Nhóm thử', title: 'Nội dung thử', description: '', measure: 'count', target: 5, unitLabel: 'lượt', maxPoints: 1, scope: 'unit' } as const
async function cadreOf(bloc: TestBloc): Promise<{ id: string; name: string }> {
  return bloc.app.db.selectFrom('member').select(['id', 'name']).where('unit_id', '=', bloc.own.unitId).where('role', '=', 'cadre').orderBy('name').executeTakeFirstOrThrow()
}

/** A past year's covenant, signed and now being evaluated, and the URL of its evaluation. */
async function evaluated(bloc: TestBloc): Promise<{ year: number; url: string; sheet: object }> {
  const created = await draft(bloc, true)
  await send(bloc, bloc.admin, { method: 'POST', url: `/api/covenants/${created.covenant.id}/status`, payload: { status: 'evaluating' } })
  const first = firstOf(created)
  return {
    year: created.covenant.year,
    url: `/api/covenants/${created.covenant.id}/evaluation`,
    sheet: { scores: [{ commitmentId: first.id, points: first.maxPoints, note: 'Đạt', evidence: { reportIds: [], photoIds: [] } }], items: [], comment: 'Tự chấm theo báo cáo' },
  }
}

/** For each action of a bloc, the requests that make one, and the entry it should leave (a bloc created by the province is in `province.test.ts`). */
type BlocAction = Exclude<AuditAction, 'bloc.create'>
const cases: Record<BlocAction, (bloc: TestBloc) => Promise<Expected>> = {
  'bloc.update': async (bloc) => {
    const { bloc: current } = await send<SetupResponse>(bloc, bloc.admin, { method: 'GET', url: '/api/setup' })
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: '/api/bloc',
      payload: { name: 'Khối thi đua thử', province: current.province, headUnitId: current.headUnitId, deputyUnitId: current.deputyUnitId },
    })
    return { by: 'admin', unitId: null, details: { name: 'Khối thi đua thử' } }
  },
  'unit.create': async (bloc) => {
    const unit = await send<{ id: string }>(bloc, bloc.admin, { method: 'POST', url: '/api/units', payload: { name: 'Ban Kinh tế Tỉnh ủy', shortName: 'Ban Kinh tế' } })
    return { by: 'admin', unitId: unit.id, details: { name: 'Ban Kinh tế Tỉnh ủy' } }
  },
  'unit.update': async (bloc) => {
    await send(bloc, bloc.admin, { method: 'PUT', url: `/api/units/${bloc.own.unitId}`, payload: { name: 'Ban Dân vận Tỉnh ủy', shortName: 'BDV' } })
    return { by: 'admin', unitId: bloc.own.unitId, details: { name: 'Ban Dân vận Tỉnh ủy' } }
  },
  'commune.create': async (bloc) => {
    await send(bloc, bloc.admin, { method: 'POST', url: '/api/communes', payload: { name: 'Phố Bảng', district: 'Đồng Văn', province: 'Hà Giang' } })
    return { by: 'admin', unitId: null, details: { name: 'Phố Bảng', district: 'Đồng Văn' } }
  },
  'commune.update': async (bloc) => {
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: `/api/communes/${bloc.own.report.communeId}`,
      payload: { name: 'Lao Và Chải', district: 'Yên Minh', province: 'Tuyên Quang' },
    })
    return { by: 'admin', unitId: null, details: { name: 'Lao Và Chải', district: 'Yên Minh' } }
  },
  'assignments.update': async (bloc) => {
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: `/api/assignments/${year + 5}`,
      payload: { assignments: [{ unitId: bloc.own.unitId, communeId: bloc.own.report.communeId }] },
    })
    return { by: 'admin', unitId: bloc.own.unitId, details: { year: year + 5, added: 1, removed: 0 } }
  },
  'covenant.create': async (bloc) => {
    await send(bloc, bloc.admin, { method: 'POST', url: '/api/covenants', payload: { year: year + 1, slogan: 'Năm sau' } })
    return { by: 'admin', unitId: null, details: { year: year + 1, copiedFrom: null } }
  },
  'covenant.update': async (bloc) => {
    const { covenant } = await draft(bloc)
    await send(bloc, bloc.admin, { method: 'PUT', url: `/api/covenants/${covenant.id}`, payload: { slogan: 'Khẩu hiệu mới' } })
    return { by: 'admin', unitId: null, details: { year: covenant.year } }
  },
  'covenant.status': async (bloc) => {
    const { covenant } = await draft(bloc)
    await send(bloc, bloc.admin, { method: 'POST', url: `/api/covenants/${covenant.id}/status`, payload: { status: 'signed' } })
    return { by: 'admin', unitId: null, details: { year: covenant.year, status: 'signed' } }
  },
  'commitment.create': async (bloc) => {
    const { covenant } = await draft(bloc)
    await send(bloc, bloc.admin, { method: 'POST', url: `/api/covenants/${covenant.id}/commitments`, payload: commitmentBody })
    return { by: 'admin', unitId: null, details: { year: covenant.year, title: 'Nội dung thử' } }
  },
  'commitment.update': async (bloc) => {
    const created = await draft(bloc)
    await send(bloc, bloc.admin, { method: 'PUT', url: `/api/commitments/${firstOf(created).id}`, payload: { ...commitmentBody, title: 'Đổi tên' } })
    return { by: 'admin', unitId: null, details: { year: created.covenant.year, title: 'Đổi tên' } }
  },
  'commitment.delete': async (bloc) => {
    const created = await draft(bloc)
    await send(bloc, bloc.admin, { method: 'DELETE', url: `/api/commitments/${firstOf(created).id}` })
    return { by: 'admin', unitId: null, details: { year: created.covenant.year, title: firstOf(created).title } }
  },
  'commitment.retire': async (bloc) => {
    const created = await draft(bloc, true)
    await send(bloc, bloc.admin, { method: 'POST', url: `/api/commitments/${firstOf(created).id}/retire`, payload: { retired: true } })
    return { by: 'admin', unitId: null, details: { year: created.covenant.year, title: firstOf(created).title, retired: true } }
  },
  'member.create': async (bloc) => {
    await send(bloc, bloc.own.lead, { method: 'POST', url: '/api/members', payload: { unitId: bloc.own.unitId, name: 'Hoàng Thị Nụ', title: 'Cán sự', role: 'cadre' } })
    return { by: 'lead', unitId: bloc.own.unitId, details: { name: 'Hoàng Thị Nụ', role: 'cadre' } }
  },
  'member.update': async (bloc) => {
    const lead = await send<MemberDetail>(bloc, bloc.admin, {
      method: 'POST',
      url: '/api/members',
      payload: { unitId: bloc.own.unitId, name: 'Hà Văn Tú', title: 'Phó Trưởng ban', role: 'lead', username: 'tu.danvan', password: PASSWORD },
    })
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: `/api/members/${lead.id}`,
      payload: { unitId: bloc.own.unitId, name: 'Hà Văn Tú', title: 'Trưởng ban', role: 'lead', password: `${PASSWORD} mới` },
    })
    return { by: 'admin', unitId: bloc.own.unitId, details: { name: 'Hà Văn Tú', role: 'lead', passwordChanged: true } }
  },
  'enrollment.create': async (bloc) => {
    const cadre = await cadreOf(bloc)
    const code = await send<{ expiresAt: string }>(bloc, bloc.own.lead, { method: 'POST', url: '/api/enrollment-codes', payload: { memberId: cadre.id } })
    return { by: 'lead', unitId: bloc.own.unitId, details: { member: cadre.name, expiresAt: code.expiresAt } }
  },
  'enrollment.revoke': async (bloc) => {
    const cadre = await cadreOf(bloc)
    await send(bloc, bloc.own.lead, { method: 'POST', url: '/api/enrollment-codes', payload: { memberId: cadre.id } })
    const { revoked } = await send<{ revoked: number }>(bloc, bloc.own.lead, { method: 'POST', url: `/api/members/${cadre.id}/enrollment-codes/revoke` })
    return { by: 'lead', unitId: bloc.own.unitId, details: { member: cadre.name, codes: revoked } }
  },
  'device.revoke': async (bloc) => {
    const cadre = await cadreOf(bloc)
    await enrolledAs(bloc.app, cadre.name)
    const device = await bloc.app.db.selectFrom('device').select('id').where('member_id', '=', cadre.id).orderBy('enrolled_at', 'desc').executeTakeFirstOrThrow()
    await send(bloc, bloc.own.lead, { method: 'POST', url: `/api/devices/${device.id}/revoke` })
    return { by: 'lead', unitId: bloc.own.unitId, details: { device: 'Máy thử', member: cadre.name } }
  },
  'device.sign_out': async (bloc) => {
    const cadre = await cadreOf(bloc)
    const phone = await enrolledAs(bloc.app, cadre.name)
    await send(bloc, phone, { method: 'POST', url: '/api/device/sign-out' })
    return { by: 'cadre', unitId: bloc.own.unitId, details: { device: 'Máy thử', member: cadre.name } }
  },
  'report.review': async (bloc) => {
    await send(bloc, bloc.own.lead, { method: 'POST', url: `/api/reports/${bloc.own.report.id}/reviews`, payload: { status: 'needs_more', comment: 'Bổ sung ảnh', revision: 1 } })
    const { receipt_number } = await bloc.app.db.selectFrom('report').select('receipt_number').where('id', '=', bloc.own.report.id).executeTakeFirstOrThrow()
    return { by: 'lead', unitId: bloc.own.unitId, details: { receipt: receipt_number, status: 'needs_more', commune: 'Lao Và Chải' } }
  },
  'report.remove': async (bloc) => {
    const report = reportOf(bloc.own.field, { photos: [photoOf(jpeg(3_000, 'gỡ bỏ'))] })
    const answer = await pushOne(bloc.app, bloc.own.field, report)
    if (answer.outcome !== 'accepted') throw new Error(`report not accepted: ${JSON.stringify(answer)}`)
    await send(bloc, bloc.admin, { method: 'POST', url: `/api/reports/${report.id}/removal`, payload: { reason: 'Ảnh có trẻ em, gia đình không đồng ý' } })
    return { by: 'admin', unitId: bloc.own.unitId, details: { receipt: answer.receipt.number, commune: 'Lao Và Chải', photos: 1, reason: 'Ảnh có trẻ em, gia đình không đồng ý' } }
  },
  'photo.remove': async (bloc) => {
    const photo = photoOf(jpeg(3_000, 'gỡ một ảnh'), { caption: 'Hộ ông Páo' })
    const report = reportOf(bloc.own.field, { photos: [photo] })
    const answer = await pushOne(bloc.app, bloc.own.field, report)
    if (answer.outcome !== 'accepted') throw new Error(`report not accepted: ${JSON.stringify(answer)}`)
    await send(bloc, bloc.admin, { method: 'POST', url: `/api/reports/${report.id}/photos/${photo.id}/removal`, payload: { reason: 'Lộ số căn cước' } })
    return { by: 'admin', unitId: bloc.own.unitId, details: { receipt: answer.receipt.number, commune: 'Lao Và Chải', caption: 'Hộ ông Páo', reason: 'Lộ số căn cước' } }
  },
  export: async (bloc) => {
    await send(bloc, bloc.own.lead, { method: 'GET', url: '/api/export/entries.csv' })
    return { by: 'lead', unitId: bloc.own.unitId, details: { file: 'entries.csv', year } }
  },
  'evaluation.rules': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    const rules = { ...DEFAULT_EVALUATION_RULES, bonusCap: 3, scoringMode: 'cross' }
    await send(bloc, bloc.admin, { method: 'PUT', url: `${url}/rules`, payload: rules })
    return { by: 'admin', unitId: null, details: { year: evaluatedYear, scoringMode: 'cross', bonusCap: 3, penaltyCap: 5, voteShare: 0.5 } }
  },
  'evaluation.self': async (bloc) => {
    const { year: evaluatedYear, url, sheet } = await evaluated(bloc)
    await send(bloc, bloc.own.lead, { method: 'PUT', url: `${url}/units/${bloc.own.unitId}/self`, payload: sheet })
    return { by: 'lead', unitId: bloc.own.unitId, details: { year: evaluatedYear, before: 0, after: 20, items: 0, why: 'Tự chấm theo báo cáo' } }
  },
  'evaluation.submit': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    await send(bloc, bloc.own.lead, { method: 'POST', url: `${url}/units/${bloc.own.unitId}/self/submit` })
    return { by: 'lead', unitId: bloc.own.unitId, details: { year: evaluatedYear, why: null } }
  },
  'evaluation.return': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    await send(bloc, bloc.own.lead, { method: 'POST', url: `${url}/units/${bloc.own.unitId}/self/submit` })
    await send(bloc, bloc.admin, { method: 'POST', url: `${url}/units/${bloc.own.unitId}/self/return`, payload: { comment: 'Thiếu minh chứng' } })
    return { by: 'admin', unitId: bloc.own.unitId, details: { year: evaluatedYear, why: 'Thiếu minh chứng' } }
  },
  'evaluation.bloc': async (bloc) => {
    const { year: evaluatedYear, url, sheet } = await evaluated(bloc)
    await send(bloc, bloc.admin, { method: 'PUT', url: `${url}/units/${bloc.other.unitId}/bloc`, payload: sheet })
    await send(bloc, bloc.admin, { method: 'PUT', url: `${url}/units/${bloc.other.unitId}/bloc`, payload: { scores: [], items: [], comment: 'Chấm lại' } })
    return { by: 'admin', unitId: bloc.other.unitId, details: { year: evaluatedYear, before: 20, after: 0, items: 0, why: 'Chấm lại' } }
  },
  'evaluation.votes': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: `${url}/votes`,
      payload: {
        votes: [
          { unitId: bloc.own.unitId, votes: 4 },
          { unitId: bloc.other.unitId, votes: 2 },
        ],
      },
    })
    return { by: 'admin', unitId: null, details: { year: evaluatedYear, ballots: 6 } }
  },
  'evaluation.proposal': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    await send(bloc, bloc.admin, {
      method: 'POST',
      url: `${url}/proposals`,
      payload: { award: 'Cờ thi đua', unitId: bloc.own.unitId, nominee: '', achievements: 'Dẫn đầu khối', evidence: { reportIds: [], photoIds: [] }, status: 'proposed' },
    })
    return { by: 'admin', unitId: bloc.own.unitId, details: { year: evaluatedYear, award: 'Cờ thi đua', nominee: null, status: 'proposed' } }
  },
  'exemplar.edit': async (bloc) => {
    const exemplar = exemplarOf(bloc.own.field)
    const [answer] = await pushExemplars(bloc.app, bloc.own.field, [exemplar])
    if (answer?.outcome !== 'accepted') throw new Error(`exemplar not accepted: ${JSON.stringify(answer)}`)
    await send(bloc, bloc.own.lead, {
      method: 'PUT',
      url: `/api/exemplars/${exemplar.id}`,
      payload: { kind: 'individual', nominee: 'Giàng A Páo', role: 'Trưởng thôn', story: exemplar.story },
    })
    return { by: 'lead', unitId: bloc.own.unitId, details: { year, receipt: answer.receipt.number, roleBefore: 'Trưởng thôn Lũng Pù', role: 'Trưởng thôn' } }
  },
  'evaluation.publish': async (bloc) => {
    const { year: evaluatedYear, url } = await evaluated(bloc)
    await send(bloc, bloc.admin, { method: 'POST', url: `${url}/publish` })
    return { by: 'admin', unitId: null, details: { year: evaluatedYear } }
  },
  // Last: it takes the demo's people, the lead among them, away.
  'rescue.upload': async (bloc) => {
    const member = await bloc.app.db.selectFrom('member').select(['id', 'name']).where('name', '=', 'Lý Thị Dua').executeTakeFirstOrThrow()
    const device = await bloc.app.db.selectFrom('device').select('id').where('member_id', '=', member.id).executeTakeFirstOrThrow()
    const { photos: _photos, ...wire } = reportOf(bloc.own.field)
    void _photos
    const file = await writeRescueFile(
      { reports: [{ ...wire, authorId: member.id, photoIds: [], state: 'queued', rejection: null, receipt: null }], exemplars: [], photos: [] },
      { member, unitId: bloc.own.unitId, deviceId: device.id, appVersion: '1.0.0', now: new Date() },
    )
    await send(bloc, bloc.own.lead, { method: 'POST', url: `/api/members/${member.id}/rescue`, payload: Buffer.from(file) }, 'application/zip')
    return { by: 'lead', unitId: bloc.own.unitId, details: { member: member.name, reports: 1, exemplars: 0, stored: 1, photos: 0 } }
  },
  'demo.remove': async (bloc) => {
    const removed = await send<Record<string, number>>(bloc, bloc.admin, { method: 'POST', url: '/api/demo/removal' })
    expect(removed.members).toBeGreaterThan(0)
    return { by: 'admin', unitId: null, details: removed }
  },
}

describe('each change leaves an entry', () => {
  let bloc: TestBloc
  const actors = { admin: { id: '', name: '' }, lead: { id: '', name: '' }, cadre: { id: '', name: '' } }

  beforeAll(async () => {
    bloc = await testBloc()
    actors.admin = await bloc.app.db.selectFrom('member').select(['id', 'name']).where('username', '=', 'admin').executeTakeFirstOrThrow()
    actors.lead = await bloc.app.db.selectFrom('member').select(['id', 'name']).where('id', '=', bloc.own.leadId).executeTakeFirstOrThrow()
    actors.cadre = await cadreOf(bloc)
  }, 60_000)

  it('for every action the log knows', () => {
    expect(Object.keys(cases).sort()).toEqual(AUDIT_ACTIONS.filter((action) => action !== 'bloc.create').sort())
  })

  it.each(Object.entries(cases) as [BlocAction, (typeof cases)[BlocAction]][])('%s: with its actor, unit and details', async (action, run) => {
    const before = await audit(bloc, bloc.admin)
    const started = new Date().toISOString()
    const expected = await run(bloc)
    const [entry] = (await audit(bloc, bloc.admin, '?limit=1')).entries
    const unit = expected.unitId ? await bloc.app.db.selectFrom('unit').select('name').where('id', '=', expected.unitId).executeTakeFirstOrThrow() : null
    expect(entry).toEqual({
      id: expect.any(Number) as number,
      at: expect.any(String) as string,
      actorId: actors[expected.by].id,
      actorName: actors[expected.by].name,
      unitId: expected.unitId,
      unitName: unit?.name ?? null,
      action,
      details: expected.details,
    } satisfies AuditEntry)
    expect(entry && entry.at >= started).toBe(true)
    expect(entry?.id).toBeGreaterThan(before.entries[0]?.id ?? 0)
  })

  it('never holds a password, a token or a code', async () => {
    const { entries } = await audit(bloc, bloc.admin, '?limit=200')
    const text = JSON.stringify(entries)
    expect(text).not.toContain(PASSWORD)
    expect(text).not.toContain(bloc.admin.authorization.slice(7))
    expect(text).not.toMatch(/password"\s*:\s*"/i)
  })
})

describe('GET /api/audit', () => {
  let bloc: TestBloc
  let names: string[]

  beforeAll(async () => {
    bloc = await testBloc()
    // Five changes, in this order: two by the admin, one by each lead, one more by the admin.
    names = ['Cán bộ một', 'Cán bộ hai', 'Cán bộ ba', 'Cán bộ bốn', 'Cán bộ năm']
    const by = [bloc.admin, bloc.admin, bloc.own.lead, bloc.other.lead, bloc.admin]
    const units = [bloc.own.unitId, bloc.other.unitId, bloc.own.unitId, bloc.other.unitId, bloc.other.unitId]
    for (const [index, name] of names.entries()) {
      await send(bloc, by[index] ?? bloc.admin, { method: 'POST', url: '/api/members', payload: { unitId: units[index], name, title: 'Chuyên viên', role: 'cadre' } })
    }
    await send(bloc, bloc.admin, { method: 'POST', url: '/api/communes', payload: { name: `Xã ${randomUUID().slice(0, 6)}`, district: 'Mèo Vạc', province: 'Hà Giang' } })
  }, 60_000)

  it('answers newest first, with the total', async () => {
    const { total, entries } = await audit(bloc, bloc.admin)
    expect(total).toBe(6)
    expect(entries.map((entry) => entry.action)).toEqual(['commune.create', ...Array<string>(5).fill('member.create')])
    expect(entries.slice(1).map((entry) => entry.details.name)).toEqual([...names].reverse())
    const ids = entries.map((entry) => entry.id)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    const ats = entries.map((entry) => entry.at)
    expect(ats).toEqual([...ats].sort().reverse())
  })

  it('answers a page at a time', async () => {
    const all = (await audit(bloc, bloc.admin)).entries
    const pages = [await audit(bloc, bloc.admin, '?limit=4'), await audit(bloc, bloc.admin, '?offset=4&limit=4'), await audit(bloc, bloc.admin, '?offset=8&limit=4')]
    expect(pages.map((page) => [page.total, page.entries.length])).toEqual([
      [6, 4],
      [6, 2],
      [6, 0],
    ])
    expect(pages.flatMap((page) => page.entries)).toEqual(all)
    expect((await bloc.app.inject({ method: 'GET', url: '/api/audit?limit=500', headers: bloc.admin })).statusCode).toBe(400)
  })

  it('shows a lead only what concerns their unit, whoever did it', async () => {
    const own = await audit(bloc, bloc.own.lead)
    expect(own.total).toBe(2)
    expect(own.entries.map((entry) => entry.details.name)).toEqual(['Cán bộ ba', 'Cán bộ một'])
    expect(own.entries.every((entry) => entry.unitId === bloc.own.unitId && entry.unitName === 'Ban Dân vận Tỉnh ủy')).toBe(true)
    expect(own.entries.map((entry) => entry.actorName)).toEqual(['Phạm Thị Lan', 'Thường trực khối'])

    const other = await audit(bloc, bloc.other.lead, '?limit=2')
    expect(other.total).toBe(3)
    expect(other.entries.map((entry) => entry.details.name)).toEqual(['Cán bộ năm', 'Cán bộ bốn'])
    expect((await audit(bloc, bloc.other.lead, '?offset=2')).entries.map((entry) => entry.details.name)).toEqual(['Cán bộ hai'])
  })
})

describe('changes that concern two units', () => {
  it('a member moved and communes reassigned are read by the lead of each unit', async () => {
    const bloc = await testBloc()
    const moved = await send<MemberDetail>(bloc, bloc.admin, {
      method: 'POST',
      url: '/api/members',
      payload: { unitId: bloc.own.unitId, name: 'Vừ Mí Chơ', title: 'Chuyên viên', role: 'cadre' },
    })
    await send(bloc, bloc.admin, { method: 'PUT', url: `/api/members/${moved.id}`, payload: { unitId: bloc.other.unitId, name: 'Vừ Mí Chơ', title: 'Chuyên viên', role: 'cadre' } })
    const year = new Date().getFullYear()
    await send(bloc, bloc.admin, {
      method: 'PUT',
      url: `/api/assignments/${year + 3}`,
      payload: { assignments: [bloc.own, bloc.other].map((unit) => ({ unitId: unit.unitId, communeId: unit.report.communeId })) },
    })
    for (const unit of [bloc.own, bloc.other]) {
      const actions = (await audit(bloc, unit.lead)).entries.map((entry) => entry.action)
      expect(actions.filter((action) => action === 'member.update')).toHaveLength(1)
      expect(actions.filter((action) => action === 'assignments.update')).toHaveLength(1)
    }
  })
})

describe('an entry and its change', () => {
  it('are committed together: when the entry cannot be written, no enrollment code is issued and no device revoked', async () => {
    const bloc = await testBloc()
    const cadre = await cadreOf(bloc)
    await enrolledAs(bloc.app, cadre.name)
    const device = await bloc.app.db.selectFrom('device').select('id').where('member_id', '=', cadre.id).orderBy('enrolled_at', 'desc').executeTakeFirstOrThrow()
    const codes = async () => (await bloc.app.db.selectFrom('enrollment_code').select('code_hash').execute()).length
    const before = await codes()
    await refuseInserts(bloc.app.db, 'audit_log')

    const code = await bloc.app.inject({ method: 'POST', url: '/api/enrollment-codes', headers: bloc.own.lead, payload: { memberId: cadre.id } })
    expect(code.statusCode).toBe(500)
    expect(await codes()).toBe(before)
    const revoke = await bloc.app.inject({ method: 'POST', url: `/api/devices/${device.id}/revoke`, headers: bloc.own.lead })
    expect(revoke.statusCode).toBe(500)
    expect((await bloc.app.db.selectFrom('device').select('revoked_at').where('id', '=', device.id).executeTakeFirstOrThrow()).revoked_at).toBeNull()
  })
})
