import { describe, expect, it, vi } from 'vitest'
import type { Transaction } from 'kysely'
import type { PullResponse } from '../../src/protocol'
import type { Database } from '../../server/db/schema'
import { nextRevision } from '../../server/services/reference'
import { UnitTallies } from '../../server/services/tallies'
import { buildTestApp, enrolledAs, cursorAt } from './helper'
import { commitmentOf, fieldOf, pushOne, reportOf } from './field'

type App = Awaited<ReturnType<typeof buildTestApp>>

async function pull(app: App, headers: Record<string, string>, cursor?: number | string) {
  const url = cursor === undefined ? '/api/pull' : `/api/pull?cursor=${cursor}`
  return app.inject({ method: 'GET', url, headers })
}

/** Change reference rows in a transaction of their own, stamped as the endpoint stamps them; answers the stamp. */
async function stamped(app: App, change: (trx: Transaction<Database>, rev: number) => Promise<unknown>): Promise<number> {
  return app.db.transaction().execute(async (trx) => {
    const rev = await nextRevision(trx)
    await change(trx, rev)
    return rev
  })
}

/** Lý Thị Dua's phone and a phone of another cadre of her unit. */
async function duaAndColleague(app: App) {
  const dua = await fieldOf(app, 'Lý Thị Dua')
  const colleague = await app.db
    .selectFrom('member')
    .select('name')
    .where('unit_id', '=', dua.unitId)
    .where('role', '=', 'cadre')
    .where('name', '!=', 'Lý Thị Dua')
    .executeTakeFirstOrThrow()
  return { dua, other: await fieldOf(app, colleague.name) }
}

describe('GET /api/pull', () => {
  it('from no cursor, answers everything the unit needs and nothing of other units but names', async () => {
    const app = await buildTestApp()
    const response = await pull(app, await enrolledAs(app, 'Lý Thị Dua'))
    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    const body = response.json<PullResponse>()
    expect(body.unit?.name).toBe('Ban Dân vận Tỉnh ủy')
    expect(body.member).toMatchObject({ name: 'Lý Thị Dua', role: 'cadre' })
    expect(body.bloc?.province).toBe('Hà Giang')
    expect(body.communes.map((commune) => commune.name).sort()).toEqual(['Lao Và Chải', 'Sủng Thài'])
    expect(body.assignments).toHaveLength(2)
    expect(body.assignments.every((row) => row.unitId === body.unit?.id)).toBe(true)
    expect(body.covenant).toMatchObject({ status: 'signed', year: new Date().getFullYear() })
    expect(body.commitments).toHaveLength(9)
    expect(body.commitments.map((item) => item.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(body.units).toHaveLength(6)
    for (const unit of body.units) expect(Object.keys(unit).sort()).toEqual(['id', 'name', 'shortName'])
    // No other member's name anywhere in the answer.
    expect(response.body).not.toContain('Sùng Mí Páo')
    expect(response.body).not.toContain('Giàng Seo Chứ')
  })

  it('from its own cursor answers nothing new, then only what changed', async () => {
    const app = await buildTestApp()
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    const first = (await pull(app, headers)).json<PullResponse>()
    const same = (await pull(app, headers, first.cursor)).json<PullResponse>()
    expect(first.full).toBe(true)
    expect(same).toEqual({
      cursor: cursorAt(app, first.cursor),
      full: false,
      units: [],
      communes: [],
      assignments: [],
      commitments: [],
      reviews: [],
      removed: [],
      evaluating: [],
      held: [],
      lastVisits: [],
    })

    const communeId = first.communes[0]?.id ?? ''
    const rev = await stamped(app, (trx, stamp) => trx.updateTable('commune').set({ name: 'Sủng Thài (mới)', rev: stamp }).where('id', '=', communeId).execute())
    const changed = (await pull(app, headers, first.cursor)).json<PullResponse>()
    expect(changed.cursor).toEqual(cursorAt(app, rev))
    expect(changed.communes).toEqual([expect.objectContaining({ id: communeId, name: 'Sủng Thài (mới)' })])
    expect(changed.commitments).toEqual([])
    expect(changed.covenant).toBeUndefined()
  })

  it('gives, in every pull, what the unit’s other members’ reports bring, by commune and commitment, never the member’s own; and the unit’s last visit to each commune', async () => {
    const app = await buildTestApp()
    const { dua, other } = await duaAndColleague(app)
    const { cursor } = (await pull(app, dua.headers)).json<PullResponse>()
    const count = commitmentOf(dua, 'count')
    const done = commitmentOf(dua, 'done')
    const percent = commitmentOf(dua, 'percent')
    const communeId = dua.communes[0]?.id ?? ''
    const entries = (amount: number, level: number) => [
      { commitmentId: count.id, status: 'in_progress' as const, amount, note: '' },
      { commitmentId: done.id, status: 'done' as const, amount: null, note: '' },
      { commitmentId: percent.id, status: 'in_progress' as const, amount: level, note: '' },
    ]
    for (const [amount, level] of [
      [3, 40],
      [1_500, 70],
    ] as const)
      expect((await pushOne(app, other, reportOf(other, { communeId, entries: entries(amount, level) }))).outcome).toBe('accepted')
    expect((await pushOne(app, dua, reportOf(dua, { communeId, entries: entries(10, 90) }))).outcome).toBe('accepted')

    const held = (await pull(app, dua.headers, cursor)).json<PullResponse>().held ?? []
    expect(held.sort((a, b) => a.commitmentId.localeCompare(b.commitmentId))).toEqual(
      [
        { communeId, commitmentId: count.id, reports: 2, amount: 1_503, done: false },
        { communeId, commitmentId: done.id, reports: 2, amount: null, done: true },
        { communeId, commitmentId: percent.id, reports: 2, amount: 70, done: false },
      ].sort((a, b) => a.commitmentId.localeCompare(b.commitmentId)),
    )
    expect((await pull(app, dua.headers, cursor)).json<PullResponse>().lastVisits).toEqual([{ communeId, date: new Date().toISOString().slice(0, 10) }])
    const heldByOther = (await pull(app, other.headers)).json<PullResponse>().held ?? []
    expect(heldByOther.find((figure) => figure.commitmentId === count.id)).toEqual({ communeId, commitmentId: count.id, reports: 1, amount: 10, done: false })
  })

  it('reads the unit’s figures once per UNIT_FIGURES_MAX_AGE_MS, however often its phones pull', async () => {
    const app = await buildTestApp({ UNIT_FIGURES_MAX_AGE_MS: '60000' })
    const { dua, other } = await duaAndColleague(app)
    const communeId = dua.communes[0]?.id ?? ''
    const count = commitmentOf(dua, 'count')
    const counted = async () => (await pull(app, dua.headers)).json<PullResponse>().held?.find((figure) => figure.commitmentId === count.id)?.reports ?? 0
    const report = () => reportOf(other, { communeId, entries: [{ commitmentId: count.id, status: 'in_progress', amount: 1, note: '' }] })
    // The first pulls read the unit's figures a moment ago: a report that arrives now is in them once they are read again.
    expect((await pushOne(app, other, report())).outcome).toBe('accepted')
    expect(await counted()).toBe(0)

    let now = 0
    const tallies = new UnitTallies(app.db, 60_000, () => now)
    const held = async () => (await tallies.figuresFor(dua.unitId, dua.covenant.id, 'not-an-author')).held.find((figure) => figure.commitmentId === count.id)?.reports ?? 0
    expect(await held()).toBe(1)
    expect((await pushOne(app, other, report())).outcome).toBe('accepted')
    now = 59_999
    expect(await held()).toBe(1)
    // Past its age, a pull is answered at once with the figures kept, and the next with those read meanwhile.
    now = 60_000
    expect(await held()).toBe(1)
    await vi.waitFor(async () => expect(await held()).toBe(2))
    // A read that fails leaves the kept figures in use, and nothing is left unhandled.
    let broken = false
    const failing = new Proxy(app.db, {
      get: (target, key) => {
        if (key === 'selectFrom' && broken) {
          return () => {
            throw new Error('disk gone')
          }
        }
        const value = Reflect.get(target, key) as unknown
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      },
    })
    const kept = new UnitTallies(failing, 60_000, () => now)
    expect((await kept.figuresFor(dua.unitId, dua.covenant.id, 'not-an-author')).held).toHaveLength(1)
    broken = true
    now += 60_000
    expect((await kept.figuresFor(dua.unitId, dua.covenant.id, 'not-an-author')).held).toHaveLength(1)
    await new Promise((resolve) => setTimeout(resolve, 50))
    // 0 keeps nothing: every pull reads afresh.
    expect(await new UnitTallies(app.db, 0).figuresFor(dua.unitId, dua.covenant.id, 'not-an-author')).toMatchObject({ lastVisits: [{ communeId }] })
  })

  it('names the years being evaluated in every pull, whole, so a cadre can still put forward exemplary cases for them', async () => {
    const app = await buildTestApp({ SEED_DEMO_LAST_YEAR: 'true' })
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    const first = (await pull(app, headers)).json<PullResponse>()
    const lastYear = await app.db.selectFrom('covenant').select(['id', 'year']).where('status', '=', 'evaluating').executeTakeFirstOrThrow()
    expect(first.evaluating).toEqual([{ covenantId: lastYear.id, year: lastYear.year }])
    expect((await pull(app, headers, first.cursor)).json<PullResponse>().evaluating).toEqual(first.evaluating)
    await app.db.updateTable('covenant').set({ status: 'closed' }).where('id', '=', lastYear.id).execute()
    expect((await pull(app, headers, first.cursor)).json<PullResponse>().evaluating).toEqual([])
  })

  it('answers everything again when the member moved to another unit', async () => {
    const app = await buildTestApp()
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    const first = (await pull(app, headers)).json<PullResponse>()
    const office = await app.db.selectFrom('unit').select('id').where('name', '=', 'Văn phòng Tỉnh ủy').executeTakeFirstOrThrow()
    await stamped(app, (trx, rev) => trx.updateTable('member').set({ unit_id: office.id, rev }).where('name', '=', 'Lý Thị Dua').execute())
    const moved = (await pull(app, headers, first.cursor)).json<PullResponse>()
    expect(moved.full).toBe(true)
    expect(moved.unit?.name).toBe('Văn phòng Tỉnh ủy')
    expect(moved.communes.map((row) => row.name)).toEqual(['Nấm Dẩn'])
    expect(moved.commitments).toHaveLength(9)
  })

  it('answers everything to a cursor it never gave, as after a restored database', async () => {
    const app = await buildTestApp()
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    const ahead = (await pull(app, headers, 1_000_000)).json<PullResponse>()
    expect(ahead.full).toBe(true)
    expect(ahead.communes).toHaveLength(2)
    expect(ahead.cursor).toBeLessThan(1_000_000)
  })

  it('a change in another unit’s commune is not sent', async () => {
    const app = await buildTestApp()
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    const first = (await pull(app, headers)).json<PullResponse>()
    await stamped(app, (trx, rev) => trx.updateTable('commune').set({ rev }).where('name', '=', 'Lũng Cú').execute())
    const next = (await pull(app, headers, first.cursor)).json<PullResponse>()
    expect(next.communes).toEqual([])
  })

  it('refuses without a token, with a bad token, with a session token, and with a bad cursor', async () => {
    const app = await buildTestApp({ ADMIN_PASSWORD: 'một mật khẩu dài' })
    const none = await pull(app, {})
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'unauthorized' })
    for (const token of ['gud_not-a-real-token', 'gus_nope', 'garbage']) {
      expect((await pull(app, { authorization: `Bearer ${token}` })).statusCode).toBe(401)
    }
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'một mật khẩu dài' } })
    const asSession = await pull(app, { authorization: `Bearer ${login.json<{ token: string }>().token}` })
    expect(asSession.statusCode).toBe(403)
    const headers = await enrolledAs(app, 'Lý Thị Dua')
    for (const cursor of ['-1', 'abc', '1.5']) expect((await pull(app, headers, cursor)).statusCode).toBe(400)
  })
})

describe('GET /api/openapi.json', () => {
  it('documents every API route with its schemas', async () => {
    const app = await buildTestApp()
    const document = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      openapi: string
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[]; responses: Record<string, unknown> }>>
    }>()
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        ...[
          '/api/auth/login',
          '/api/auth/logout',
          '/api/devices/{deviceId}/revoke',
          '/api/device/sign-out',
          '/api/device/status',
          '/api/device/reports/{reportId}/photos/{photoId}',
          '/api/enroll',
          '/api/enrollment-codes',
          '/api/health',
          '/api/pull',
          '/api/push',
        ],
        ...['/api/setup', '/api/bloc', '/api/units', '/api/units/{unitId}', '/api/communes', '/api/communes/{communeId}', '/api/assignments/{year}'],
        ...['/api/covenants', '/api/covenants/{covenantId}', '/api/covenants/{covenantId}/status', '/api/covenants/{covenantId}/commitments'],
        ...['/api/commitments/{commitmentId}', '/api/commitments/{commitmentId}/retire', '/api/members', '/api/members/{memberId}'],
        ...['/api/progress', '/api/communes/{communeId}/overview', '/api/reports', '/api/reports/{reportId}', '/api/reports/{reportId}/photos/{photoId}'],
        ...['/api/reports/{reportId}/reviews', '/api/gallery', '/api/export/{file}', '/api/audit'],
        ...['/api/reports/{reportId}/removal', '/api/reports/{reportId}/photos/{photoId}/removal', '/api/demo/removal'],
        ...['/api/covenants/{covenantId}/evaluation', '/api/covenants/{covenantId}/evaluation/rules', '/api/covenants/{covenantId}/evaluation/votes'],
        ...['/api/covenants/{covenantId}/evaluation/publish', '/api/covenants/{covenantId}/evaluation/units/{unitId}/self'],
        ...['/api/covenants/{covenantId}/evaluation/units/{unitId}/self/submit', '/api/covenants/{covenantId}/evaluation/units/{unitId}/self/return'],
        ...['/api/covenants/{covenantId}/evaluation/units/{unitId}/bloc', '/api/covenants/{covenantId}/evaluation/scores.xlsx'],
        ...['/api/covenants/{covenantId}/evaluation/proposals', '/api/covenants/{covenantId}/evaluation/proposals/{proposalId}'],
        ...[
          '/api/province',
          '/api/province/export.xlsx',
          '/api/province/blocs',
          '/api/province/communes',
          '/api/province/communes/{communeId}',
          '/api/province/admins/{username}/password',
        ],
        ...[
          '/api/exemplars',
          '/api/exemplars/{exemplarId}',
          '/api/exemplars/{exemplarId}/photos/{photoId}',
          '/api/members/{memberId}/enrollment-codes/revoke',
          '/api/members/{memberId}/rescue',
        ],
      ].sort(),
    )
    // Every dashboard route names who may call it and the refusals it can give.
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const operation of Object.values(methods)) {
        if (['/api/health', '/api/enroll', '/api/auth/login'].includes(path) || path.startsWith('/api/pull') || path.startsWith('/api/push')) continue
        expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(['401', '403']))
      }
    }
    expect(document.paths['/api/enroll']?.post?.requestBody).toBeDefined()
    expect(Object.keys(document.paths['/api/enroll']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['201', '404', '409', '410']))
    expect(document.paths['/api/pull']?.get?.parameters).toEqual([expect.objectContaining({ name: 'cursor', in: 'query' })])
    expect(Object.keys(document.paths['/api/push']?.post?.responses ?? {})).toEqual(expect.arrayContaining(['200', '400', '401', '413']))
  })
})
