import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AssignmentsResponse, Bloc, Commitment, CommitmentRequest, Commune, CovenantDetail, ErrorResponse, PullResponse, SetupResponse, Unit } from '../../src/protocol'
import type { App } from '../../server/app'
import { fieldOf, isoDay } from './field'
import { buildTestApp, cursorAt } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * What the admin's setup routes do: the bloc, its units and communes, the year's assignments,
 * covenants from draft to closed, and their commitments; and what of it reaches the phones.
 * Each group of tests has a fresh demo bloc with only the admin signed in; each test makes what
 * it changes, and drafts are of past years, so that signing one leaves this year's covenant the
 * phones' own.
 */

let app: App
let admin: { authorization: string }

async function freshBloc(): Promise<void> {
  app = await buildTestApp({ ADMIN_PASSWORD })
  admin = await logIn(app, 'admin', ADMIN_PASSWORD)
}

const thisYear = new Date().getFullYear()
// Years for drafts, one each: those before this one counted down to the contract's first, then those after the next.
const freeYears = [...Array.from({ length: thisYear - 2000 }, (_, i) => thisYear - 1 - i), ...Array.from({ length: 2100 - thisYear - 1 }, (_, i) => thisYear + 2 + i)]
const nextFreeYear = () => freeYears.shift() ?? expect.fail('no year left for a draft')

async function call(method: NonNullable<InjectOptions['method']>, url: string, payload?: InjectOptions['payload']) {
  return app.inject({ method, url, headers: admin, ...(payload !== undefined && { payload }) })
}

/** The answer's body, which must come with `status`. */
async function ok<T>(method: NonNullable<InjectOptions['method']>, url: string, payload?: InjectOptions['payload'], status = 200): Promise<T> {
  const response = await call(method, url, payload)
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status)
  return response.json<T>()
}

async function refused(
  method: NonNullable<InjectOptions['method']>,
  url: string,
  payload: InjectOptions['payload'] | undefined,
  status: number,
  code: string,
): Promise<ErrorResponse> {
  const response = await call(method, url, payload)
  expect(response.statusCode, `${method} ${url}: ${response.body}`).toBe(status)
  const body = response.json<ErrorResponse>()
  expect(body.code).toBe(code)
  return body
}

const setup = (): Promise<SetupResponse> => ok<SetupResponse>('GET', '/api/setup')
const unitNamed = async (name: string): Promise<Unit> => (await setup()).units.find((unit) => unit.name === name) ?? expect.fail(`no unit ${name}`)
const communeNamed = async (name: string): Promise<Commune> => (await setup()).communes.find((commune) => commune.name === name) ?? expect.fail(`no commune ${name}`)

async function activeCovenant(): Promise<CovenantDetail> {
  const signed = (await setup()).covenants.find((item) => item.status === 'signed') ?? expect.fail('no signed covenant')
  return ok<CovenantDetail>('GET', `/api/covenants/${signed.id}`)
}

async function pull(headers: { authorization: string }, cursor = 0): Promise<PullResponse> {
  const response = await app.inject({ method: 'GET', url: `/api/pull?cursor=${cursor}`, headers })
  expect(response.statusCode, response.body).toBe(200)
  return response.json<PullResponse>()
}

const commitmentBody = (changes: Partial<CommitmentRequest> = {}): CommitmentRequest => ({
  group: 'Giúp đỡ xã khó khăn',
  title: 'Vận động kinh phí hỗ trợ',
  description: 'Kinh phí vận động được cho xã phụ trách.',
  measure: 'count',
  target: 5,
  unitLabel: 'lượt',
  maxPoints: 5,
  scope: 'commune',
  ...changes,
})

/** A draft covenant of `year` (by default a past year of its own) with the given commitments. */
async function draft(commitments: Partial<CommitmentRequest>[] = [], year = nextFreeYear()): Promise<CovenantDetail> {
  const created = await ok<CovenantDetail>('POST', '/api/covenants', { year, slogan: `Năm ${year}` }, 201)
  for (const changes of commitments) await ok<Commitment>('POST', `/api/covenants/${created.covenant.id}/commitments`, commitmentBody(changes), 201)
  return ok<CovenantDetail>('GET', `/api/covenants/${created.covenant.id}`)
}

const move = (covenantId: string, body: { status: 'signed' | 'evaluating' | 'closed'; signedAt?: string }) => call('POST', `/api/covenants/${covenantId}/status`, body)

describe('GET /api/setup', () => {
  beforeEach(freshBloc)

  it('answers the bloc, its units, the communes and the covenants', async () => {
    const body = await setup()
    expect(body.bloc).toMatchObject({ name: 'Khối giao ước thi đua các ban xây dựng Đảng Tỉnh ủy', province: 'Hà Giang' })
    expect(body.units.map((unit) => unit.name).sort()).toEqual(
      ['Ban Dân vận Tỉnh ủy', 'Ban Nội chính Tỉnh ủy', 'Ban Tuyên giáo Tỉnh ủy', 'Ban Tổ chức Tỉnh ủy', 'Văn phòng Tỉnh ủy', 'Ủy ban Kiểm tra Tỉnh ủy'].sort(),
    )
    expect(body.units.every((unit) => unit.blocId === body.bloc.id)).toBe(true)
    const head = body.units.find((unit) => unit.id === body.bloc.headUnitId)
    const deputy = body.units.find((unit) => unit.id === body.bloc.deputyUnitId)
    expect([head?.name, deputy?.name]).toEqual(['Ban Tổ chức Tỉnh ủy', 'Ban Tuyên giáo Tỉnh ủy'])
    expect(body.communes).toHaveLength(11)
    expect(body.communes.find((commune) => commune.name === 'Lũng Cú')).toMatchObject({ district: 'Đồng Văn', province: 'Hà Giang' })
    expect(body.covenants).toEqual([expect.objectContaining({ year: thisYear, status: 'signed', signedAt: `${thisYear}-02-14` })])
  })

  it('lists covenants newest year first', async () => {
    await draft([], thisYear + 1)
    await draft([], thisYear - 1)
    expect((await setup()).covenants.map((item) => item.year)).toEqual([thisYear + 1, thisYear, thisYear - 1])
  })
})

describe('PUT /api/bloc', () => {
  beforeAll(freshBloc)

  it('renames the bloc and sets its head and deputy units', async () => {
    const head = await unitNamed('Ban Dân vận Tỉnh ủy')
    const deputy = await unitNamed('Văn phòng Tỉnh ủy')
    const body = { name: '  Khối các ban Đảng  ', province: 'Hà Giang', headUnitId: head.id, deputyUnitId: deputy.id }
    const bloc = await ok<Bloc>('PUT', '/api/bloc', body)
    expect(bloc).toMatchObject({ name: 'Khối các ban Đảng', province: 'Hà Giang', headUnitId: head.id, deputyUnitId: deputy.id })
    expect((await setup()).bloc).toEqual(bloc)
  })

  it('takes no head or deputy unit', async () => {
    const bloc = await ok<Bloc>('PUT', '/api/bloc', { name: 'Khối thử', province: '', headUnitId: null, deputyUnitId: null })
    expect(bloc).toMatchObject({ headUnitId: null, deputyUnitId: null })
  })

  it('refuses the same unit as head and deputy, an unknown unit and a blank name, and changes nothing', async () => {
    const before = (await setup()).bloc
    const unit = await unitNamed('Ban Dân vận Tỉnh ủy')
    const same = await refused('PUT', '/api/bloc', { name: 'Khối', province: 'Hà Giang', headUnitId: unit.id, deputyUnitId: unit.id }, 400, 'invalid')
    expect(same.problems).toEqual([{ field: 'deputyUnitId', rule: 'sameAsHead' }])
    await refused('PUT', '/api/bloc', { name: 'Khối', province: 'Hà Giang', headUnitId: unit.id, deputyUnitId: randomUUID() }, 404, 'not_found')
    const blank = await refused('PUT', '/api/bloc', { name: '   ', province: 'Hà Giang', headUnitId: null, deputyUnitId: null }, 400, 'invalid')
    expect(blank.problems).toEqual([{ field: 'name', rule: 'required' }])
    expect((await setup()).bloc).toEqual(before)
  })
})

describe('units and communes', () => {
  beforeAll(freshBloc)

  it('creates a unit and renames it; the unit’s phones see the new name', async () => {
    const created = await ok<Unit>('POST', '/api/units', { name: 'Ban Kinh tế Tỉnh ủy', shortName: 'Ban Kinh tế' }, 201)
    expect(created).toMatchObject({ name: 'Ban Kinh tế Tỉnh ủy', shortName: 'Ban Kinh tế', blocId: (await setup()).bloc.id })
    const renamed = await ok<Unit>('PUT', `/api/units/${created.id}`, { name: 'Ban Kinh tế - Xã hội', shortName: 'Ban KT-XH' })
    expect(renamed).toEqual({ ...created, name: 'Ban Kinh tế - Xã hội', shortName: 'Ban KT-XH' })
    expect((await setup()).units).toContainEqual(renamed)

    const field = await fieldOf(app)
    const first = await pull(field.headers)
    const own = await unitNamed('Ban Dân vận Tỉnh ủy')
    await ok<Unit>('PUT', `/api/units/${own.id}`, { name: 'Ban Dân vận', shortName: 'BDV' })
    const next = await pull(field.headers, first.cursor)
    expect(next.unit).toMatchObject({ id: own.id, name: 'Ban Dân vận', shortName: 'BDV' })
  })

  it('creates a commune and changes it; a phone of a unit helping it sees the change', async () => {
    const created = await ok<Commune>('POST', '/api/communes', { name: 'Phố Bảng', district: 'Đồng Văn', province: 'Hà Giang' }, 201)
    expect(created).toMatchObject({ name: 'Phố Bảng', district: 'Đồng Văn', province: 'Hà Giang' })
    expect(await ok<Commune>('PUT', `/api/communes/${created.id}`, { name: 'Thị trấn Phố Bảng', district: 'Đồng Văn', province: 'Hà Giang' })).toEqual({
      ...created,
      name: 'Thị trấn Phố Bảng',
    })

    const field = await fieldOf(app)
    const first = await pull(field.headers)
    const sungThai = await communeNamed('Sủng Thài')
    await ok<Commune>('PUT', `/api/communes/${sungThai.id}`, { name: 'Sủng Thài', district: 'Yên Minh', province: 'Tuyên Quang' })
    expect((await pull(field.headers, first.cursor)).communes).toEqual([{ ...sungThai, province: 'Tuyên Quang' }])
  })

  it.each<[string, 'POST' | 'PUT', () => string | Promise<string>, () => object]>([
    ['a new unit with a taken name', 'POST', () => '/api/units', () => ({ name: 'Ban Tổ chức Tỉnh ủy', shortName: 'Trùng' })],
    ['a unit renamed to a taken name', 'PUT', async () => `/api/units/${(await unitNamed('Văn phòng Tỉnh ủy')).id}`, () => ({ name: 'Ban Tổ chức Tỉnh ủy', shortName: 'Trùng' })],
    ['a new commune with a taken name in its district', 'POST', () => '/api/communes', () => ({ name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' })],
    [
      'a commune renamed to a taken name',
      'PUT',
      async () => `/api/communes/${(await communeNamed('Sủng Là')).id}`,
      () => ({ name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' }),
    ],
  ])('refuses %s with a 409 conflict', async (_, method, url, body) => {
    const before = await setup()
    await refused(method, await url(), body(), 409, 'conflict')
    expect(await setup()).toEqual(before)
  })

  it('takes the same commune name in another district', async () => {
    await ok<Commune>('POST', '/api/communes', { name: 'Lũng Cú', district: 'Mèo Vạc', province: 'Hà Giang' }, 201)
    expect((await setup()).communes.filter((commune) => commune.name === 'Lũng Cú')).toHaveLength(2)
  })

  it('answers 404 for an unknown unit or commune, and 400 for a blank name', async () => {
    await refused('PUT', `/api/units/${randomUUID()}`, { name: 'Không có', shortName: 'Không' }, 404, 'not_found')
    await refused('PUT', `/api/communes/${randomUUID()}`, { name: 'Không có', district: 'Đồng Văn', province: 'Hà Giang' }, 404, 'not_found')
    const blank = await refused('POST', '/api/units', { name: ' ', shortName: 'Trống' }, 400, 'invalid')
    expect(blank.problems).toEqual([{ field: 'name', rule: 'required' }])
  })
})

describe('PUT /api/assignments/:year', () => {
  beforeAll(freshBloc)

  it('replaces the year’s list: the unit that lost a commune pulls everything afresh without it, the one that gained it pulls it', async () => {
    const before = await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)
    expect(before.assignments).toHaveLength(11)
    const danVan = await unitNamed('Ban Dân vận Tỉnh ủy')
    const office = await unitNamed('Văn phòng Tỉnh ủy')
    const moved = await communeNamed('Lao Và Chải')
    const losing = await fieldOf(app, 'Lý Thị Dua')
    const gaining = await fieldOf(app, 'Hầu Mí Sính')
    const [losingCursor, gainingCursor] = [(await pull(losing.headers)).cursor, (await pull(gaining.headers)).cursor]

    const wanted = before.assignments.map(({ unitId, communeId }) => (communeId === moved.id ? { unitId: office.id, communeId } : { unitId, communeId }))
    const after = await ok<AssignmentsResponse>('PUT', `/api/assignments/${thisYear}`, { assignments: wanted })
    expect(after.year).toBe(thisYear)
    expect(after.assignments).toHaveLength(11)
    expect(after.assignments).toContainEqual({ unitId: office.id, communeId: moved.id, year: thisYear })
    expect(after.assignments).not.toContainEqual(expect.objectContaining({ unitId: danVan.id, communeId: moved.id }))
    expect((await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)).assignments).toEqual(expect.arrayContaining(after.assignments))

    const lost = await pull(losing.headers, losingCursor)
    expect(lost.full).toBe(true)
    expect(lost.communes.map((commune) => commune.name)).toEqual(['Sủng Thài'])
    expect(lost.assignments.map((row) => row.communeId)).not.toContain(moved.id)
    expect(lost.commitments).toHaveLength(9)

    const gained = await pull(gaining.headers, gainingCursor)
    expect(gained.full).toBe(false)
    expect(gained.communes).toEqual([moved])
    expect(gained.assignments).toEqual([{ unitId: office.id, communeId: moved.id, year: thisYear }])
  })

  it('keeps other years as they were, and changes nothing for the same list again', async () => {
    const unit = await unitNamed('Ban Dân vận Tỉnh ủy')
    const commune = await communeNamed('Lũng Cú')
    const next = await ok<AssignmentsResponse>('PUT', `/api/assignments/${thisYear + 1}`, { assignments: [{ unitId: unit.id, communeId: commune.id }] })
    expect(next).toEqual({ year: thisYear + 1, assignments: [{ unitId: unit.id, communeId: commune.id, year: thisYear + 1 }] })
    expect((await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)).assignments).toHaveLength(11)

    const field = await fieldOf(app)
    const { cursor } = await pull(field.headers)
    const current = await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)
    await ok<AssignmentsResponse>('PUT', `/api/assignments/${thisYear}`, { assignments: current.assignments.map(({ unitId, communeId }) => ({ unitId, communeId })) })
    expect(await pull(field.headers, cursor)).toMatchObject({ cursor: cursorAt(app, cursor), full: false, communes: [], assignments: [] })
  })

  it('refuses an unknown unit or commune and keeps the list', async () => {
    const before = await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)
    const unit = await unitNamed('Ban Dân vận Tỉnh ủy')
    await refused('PUT', `/api/assignments/${thisYear}`, { assignments: [{ unitId: unit.id, communeId: randomUUID() }] }, 404, 'not_found')
    await refused('PUT', `/api/assignments/${thisYear}`, { assignments: [{ unitId: randomUUID(), communeId: before.assignments[0]?.communeId ?? '' }] }, 404, 'not_found')
    expect(await ok<AssignmentsResponse>('GET', `/api/assignments/${thisYear}`)).toEqual(before)
  })
})

describe('covenants', () => {
  beforeAll(freshBloc)

  it('creates an empty draft for a year', async () => {
    const year = nextFreeYear()
    const created = await ok<CovenantDetail>('POST', '/api/covenants', { year, slogan: '  Đoàn kết, đổi mới  ' }, 201)
    expect(created).toEqual({
      covenant: { id: expect.any(String) as string, blocId: (await setup()).bloc.id, year, slogan: 'Đoàn kết, đổi mới', status: 'draft', signedAt: null },
      commitments: [],
    })
    expect(await ok<CovenantDetail>('GET', `/api/covenants/${created.covenant.id}`)).toEqual(created)
  })

  it('copies another year’s commitments, in order, without the retired ones', async () => {
    const source = await activeCovenant()
    const retired = source.commitments[1] ?? expect.fail('no second commitment')
    await ok<Commitment>('POST', `/api/commitments/${retired.id}/retire`, { retired: true })

    const year = nextFreeYear()
    const copy = await ok<CovenantDetail>('POST', '/api/covenants', { year, slogan: 'Năm trước', copyFrom: source.covenant.id }, 201)
    const kept = source.commitments.filter((item) => item.id !== retired.id)
    expect(copy.covenant).toMatchObject({ year, status: 'draft' })
    expect(copy.commitments.map((item) => item.title)).toEqual(kept.map((item) => item.title))
    expect(copy.commitments.map((item) => item.order)).toEqual(kept.map((_, index) => index + 1))
    const strip = ({ group, title, description, measure, target, unitLabel, maxPoints, scope }: Commitment) => ({
      group,
      title,
      description,
      measure,
      target,
      unitLabel,
      maxPoints,
      scope,
    })
    expect(copy.commitments.map(strip)).toEqual(kept.map(strip))
    for (const item of copy.commitments) {
      expect(item).toMatchObject({ covenantId: copy.covenant.id, retiredAt: null })
      expect(source.commitments.map((old) => old.id)).not.toContain(item.id)
    }
    // The source keeps its own commitments.
    expect((await ok<CovenantDetail>('GET', `/api/covenants/${source.covenant.id}`)).commitments).toHaveLength(9)
  })

  it('refuses a second covenant for the same year', async () => {
    const { covenant } = await draft()
    for (const year of [thisYear, covenant.year]) await refused('POST', '/api/covenants', { year, slogan: 'Lần hai' }, 409, 'conflict')
    const { covenants } = await setup()
    expect(covenants.filter((item) => item.year === thisYear)).toEqual([expect.objectContaining({ status: 'signed' })])
    expect(covenants.filter((item) => item.year === covenant.year)).toEqual([covenant])
  })

  it('answers 404 for an unknown covenant, or one to copy from', async () => {
    const before = (await setup()).covenants
    await refused('GET', `/api/covenants/${randomUUID()}`, undefined, 404, 'not_found')
    await refused('POST', '/api/covenants', { year: nextFreeYear(), slogan: 'Thử', copyFrom: randomUUID() }, 404, 'not_found')
    expect((await setup()).covenants).toEqual(before)
  })

  it('changes a draft’s slogan', async () => {
    const { covenant } = await draft()
    const changed = await ok<CovenantDetail>('PUT', `/api/covenants/${covenant.id}`, { slogan: 'Khẩu hiệu mới' })
    expect(changed.covenant).toEqual({ ...covenant, slogan: 'Khẩu hiệu mới' })
  })

  it('signs a draft on the day given, or today; a covenant without commitments is not signed', async () => {
    const empty = await draft()
    const unsigned = await move(empty.covenant.id, { status: 'signed' })
    expect(unsigned.statusCode).toBe(400)
    expect(unsigned.json<ErrorResponse>()).toMatchObject({ code: 'invalid', problems: [{ field: 'commitments', rule: 'required' }] })
    expect((await ok<CovenantDetail>('GET', `/api/covenants/${empty.covenant.id}`)).covenant.status).toBe('draft')

    const onDay = await draft([{}])
    const signed = await move(onDay.covenant.id, { status: 'signed', signedAt: `${onDay.covenant.year}-02-20` })
    expect(signed.statusCode, signed.body).toBe(200)
    expect(signed.json<CovenantDetail>().covenant).toMatchObject({ status: 'signed', signedAt: `${onDay.covenant.year}-02-20` })

    const today = await draft([{}])
    const before = isoDay(new Date())
    const signedToday = (await move(today.covenant.id, { status: 'signed' })).json<CovenantDetail>().covenant.signedAt
    expect([before, isoDay(new Date())]).toContain(signedToday)
  })

  it('refuses a signing day that is not a real day', async () => {
    const { covenant } = await draft([{}])
    const response = await move(covenant.id, { status: 'signed', signedAt: `${covenant.year}-02-30` })
    expect(response.statusCode).toBe(400)
    expect(response.json<ErrorResponse>()).toMatchObject({ code: 'invalid', problems: [{ field: 'signedAt', rule: 'date' }] })
  })

  it('closes a covenant once evaluated, keeping its signing day; a closed one takes no more changes', async () => {
    const { covenant, commitments } = await draft([{}, { title: 'Thứ hai' }])
    await ok<CovenantDetail>('POST', `/api/covenants/${covenant.id}/status`, { status: 'signed', signedAt: `${covenant.year}-02-14` })
    await ok<CovenantDetail>('POST', `/api/covenants/${covenant.id}/status`, { status: 'evaluating' })
    const closed = await ok<CovenantDetail>('POST', `/api/covenants/${covenant.id}/status`, { status: 'closed' })
    expect(closed.covenant).toMatchObject({ status: 'closed', signedAt: `${covenant.year}-02-14` })

    const commitment = commitments[0] ?? expect.fail('no commitment')
    await refused('PUT', `/api/covenants/${covenant.id}`, { slogan: 'Đổi' }, 409, 'conflict')
    await refused('POST', `/api/covenants/${covenant.id}/commitments`, commitmentBody(), 409, 'conflict')
    await refused('PUT', `/api/commitments/${commitment.id}`, commitmentBody({ title: 'Đổi tên' }), 409, 'conflict')
    await refused('DELETE', `/api/commitments/${commitment.id}`, undefined, 409, 'conflict')
    await refused('POST', `/api/commitments/${commitment.id}/retire`, { retired: true }, 409, 'conflict')
    expect(await ok<CovenantDetail>('GET', `/api/covenants/${covenant.id}`)).toEqual(closed)
  })

  it.each<{ from: string; steps: ('signed' | 'evaluating' | 'closed')[]; to: 'signed' | 'evaluating' | 'closed' }>([
    { from: 'a draft', steps: [], to: 'closed' },
    { from: 'a draft', steps: [], to: 'evaluating' },
    { from: 'a signed covenant', steps: ['signed'], to: 'signed' },
    { from: 'a signed covenant', steps: ['signed'], to: 'closed' },
    { from: 'an evaluated covenant', steps: ['signed', 'evaluating'], to: 'signed' },
    { from: 'a closed covenant', steps: ['signed', 'evaluating', 'closed'], to: 'signed' },
    { from: 'a closed covenant', steps: ['signed', 'evaluating', 'closed'], to: 'evaluating' },
    { from: 'a closed covenant', steps: ['signed', 'evaluating', 'closed'], to: 'closed' },
  ])('moves only forward: $from cannot become $to', async ({ steps, to }) => {
    const { covenant } = await draft([{}])
    for (const status of steps) await ok<CovenantDetail>('POST', `/api/covenants/${covenant.id}/status`, { status })
    const before = await ok<CovenantDetail>('GET', `/api/covenants/${covenant.id}`)
    await refused('POST', `/api/covenants/${covenant.id}/status`, { status: to }, 409, 'conflict')
    expect(await ok<CovenantDetail>('GET', `/api/covenants/${covenant.id}`)).toEqual(before)
  })

  it('has no way back to a draft', async () => {
    const { covenant } = await activeCovenant()
    expect((await move(covenant.id, { status: 'draft' as 'signed' })).statusCode).toBe(400)
  })
})

describe('commitments', () => {
  beforeAll(freshBloc)

  it('adds a commitment at the end unless told where; a percentage is counted in %', async () => {
    const { covenant } = await draft([{ title: 'Thứ nhất' }, { title: 'Thứ hai' }])
    const third = await ok<Commitment>(
      'POST',
      `/api/covenants/${covenant.id}/commitments`,
      commitmentBody({ title: '  Thứ ba  ', measure: 'percent', target: 80, unitLabel: 'phần trăm', scope: 'unit' }),
      201,
    )
    expect(third).toEqual({
      id: expect.any(String) as string,
      covenantId: covenant.id,
      group: 'Giúp đỡ xã khó khăn',
      order: 3,
      title: 'Thứ ba',
      description: 'Kinh phí vận động được cho xã phụ trách.',
      measure: 'percent',
      target: 80,
      unitLabel: '%',
      maxPoints: 5,
      scope: 'unit',
      retiredAt: null,
    })
    const placed = await ok<Commitment>(
      'POST',
      `/api/covenants/${covenant.id}/commitments`,
      commitmentBody({ title: 'Đầu tiên', order: 1, measure: 'done', target: null, unitLabel: '' }),
      201,
    )
    expect(placed).toMatchObject({ order: 1, measure: 'done', target: null })
    const next = await ok<Commitment>('POST', `/api/covenants/${covenant.id}/commitments`, commitmentBody({ title: 'Cuối' }), 201)
    expect(next.order).toBe(4)
  })

  it.each<[string, Partial<CommitmentRequest>, { field: string; rule: string }]>([
    ['a count with a fraction for target', { measure: 'count', target: 2.5 }, { field: 'target', rule: 'positiveInteger' }],
    ['a count of zero', { measure: 'count', target: 0 }, { field: 'target', rule: 'positiveInteger' }],
    ['a count without a target', { measure: 'count', target: null }, { field: 'target', rule: 'required' }],
    ['a percentage over 100', { measure: 'percent', target: 120 }, { field: 'target', rule: 'percent' }],
    ['a yes-or-no commitment with a target', { measure: 'done', target: 3 }, { field: 'target', rule: 'notForDone' }],
    ['a blank title', { title: '   ' }, { field: 'title', rule: 'required' }],
    ['a blank group', { group: ' ' }, { field: 'group', rule: 'required' }],
  ])('refuses %s with a 400 naming the rule', async (_, changes, problem) => {
    const { covenant, commitments } = await draft([{}])
    const added = await refused('POST', `/api/covenants/${covenant.id}/commitments`, commitmentBody(changes), 400, 'invalid')
    expect(added.problems).toEqual([problem])
    const changed = await refused('PUT', `/api/commitments/${commitments[0]?.id ?? ''}`, commitmentBody(changes), 400, 'invalid')
    expect(changed.problems).toEqual([problem])
    expect((await ok<CovenantDetail>('GET', `/api/covenants/${covenant.id}`)).commitments).toEqual(commitments)
  })

  it('changes everything of a draft’s commitment, keeping its place unless told', async () => {
    const { commitments } = await draft([{}, { title: 'Thứ hai' }])
    const second = commitments[1] ?? expect.fail('no second commitment')
    const changed = await ok<Commitment>(
      'PUT',
      `/api/commitments/${second.id}`,
      commitmentBody({ title: 'Đổi tên', measure: 'done', target: null, unitLabel: '', scope: 'unit', maxPoints: 8 }),
    )
    expect(changed).toEqual({ ...second, title: 'Đổi tên', measure: 'done', target: null, unitLabel: '', scope: 'unit', maxPoints: 8 })
    expect((await ok<Commitment>('PUT', `/api/commitments/${second.id}`, commitmentBody({ order: 7 }))).order).toBe(7)
  })

  it('in a signed covenant, changes words, target and points but not what is measured or where', async () => {
    const { commitments } = await activeCovenant()
    const perCommune = commitments.find((item) => item.scope === 'commune') ?? expect.fail('no commune commitment')
    const same = { group: perCommune.group, description: perCommune.description, measure: perCommune.measure, unitLabel: perCommune.unitLabel, scope: perCommune.scope }
    const changed = await ok<Commitment>('PUT', `/api/commitments/${perCommune.id}`, { ...same, title: 'Hộ nghèo được hỗ trợ', target: 25, maxPoints: 12 })
    expect(changed).toEqual({ ...perCommune, title: 'Hộ nghèo được hỗ trợ', target: 25, maxPoints: 12 })

    await refused('PUT', `/api/commitments/${perCommune.id}`, { ...same, title: changed.title, target: 25, maxPoints: 12, measure: 'percent' }, 409, 'conflict')
    await refused('PUT', `/api/commitments/${perCommune.id}`, { ...same, title: changed.title, target: 25, maxPoints: 12, scope: 'unit' }, 409, 'conflict')
    const detail = await activeCovenant()
    expect(detail.commitments.find((item) => item.id === perCommune.id)).toEqual(changed)
  })

  it('deletes a draft’s commitment; a signed covenant’s is retired, not deleted', async () => {
    const { covenant, commitments } = await draft([{}, { title: 'Thứ hai' }])
    const response = await call('DELETE', `/api/commitments/${commitments[0]?.id ?? ''}`)
    expect(response.statusCode).toBe(204)
    expect((await ok<CovenantDetail>('GET', `/api/covenants/${covenant.id}`)).commitments.map((item) => item.title)).toEqual(['Thứ hai'])
    await refused('DELETE', `/api/commitments/${randomUUID()}`, undefined, 404, 'not_found')

    const active = await activeCovenant()
    await refused('DELETE', `/api/commitments/${active.commitments[0]?.id ?? ''}`, undefined, 409, 'conflict')
    expect((await activeCovenant()).commitments).toEqual(active.commitments)
  })

  it('retires a signed covenant’s commitment and brings it back; a draft’s is deleted instead', async () => {
    const active = await activeCovenant()
    const target = active.commitments[2] ?? expect.fail('no third commitment')
    const retired = await ok<Commitment>('POST', `/api/commitments/${target.id}/retire`, { retired: true })
    expect(retired).toEqual({ ...target, retiredAt: expect.any(String) as string })
    expect(Number.isNaN(Date.parse(retired.retiredAt ?? ''))).toBe(false)
    // Retiring again keeps the first moment.
    expect((await ok<Commitment>('POST', `/api/commitments/${target.id}/retire`, { retired: true })).retiredAt).toBe(retired.retiredAt)
    expect((await activeCovenant()).commitments.find((item) => item.id === target.id)).toEqual(retired)

    expect(await ok<Commitment>('POST', `/api/commitments/${target.id}/retire`, { retired: false })).toEqual(target)

    const { commitments } = await draft([{}])
    await refused('POST', `/api/commitments/${commitments[0]?.id ?? ''}/retire`, { retired: true }, 409, 'conflict')
  })

  it('a retired commitment reaches the phone with retiredAt set, and its return with it cleared', async () => {
    const field = await fieldOf(app)
    const first = await pull(field.headers)
    const target = field.commitments[4] ?? expect.fail('no fifth commitment')

    const retired = await ok<Commitment>('POST', `/api/commitments/${target.id}/retire`, { retired: true })
    const next = await pull(field.headers, first.cursor)
    expect(next.full).toBe(false)
    expect(next.commitments).toEqual([retired])
    expect(next.commitments[0]?.retiredAt).not.toBeNull()

    await ok<Commitment>('POST', `/api/commitments/${target.id}/retire`, { retired: false })
    expect((await pull(field.headers, next.cursor)).commitments).toEqual([{ ...target, retiredAt: null }])
  })

  it('a commitment added to or changed in the signed covenant reaches the phone', async () => {
    const field = await fieldOf(app)
    const first = await pull(field.headers)
    const added = await ok<Commitment>('POST', `/api/covenants/${field.covenant.id}/commitments`, commitmentBody(), 201)
    expect(added.order).toBe(10)
    const next = await pull(field.headers, first.cursor)
    expect(next.commitments).toEqual([added])
  })
})
