import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DemoRemoved, MemberDetail, SetupResponse, Unit } from '../../src/protocol'
import { blobPath } from '../../server/services/photo-store'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, sha256Of, type Field } from './field'
import { buildTestApp, enrolledAs, firstBlocOf, tempDir } from './helper'
import { ADMIN_PASSWORD, logIn, receivePhoto } from './managers'

/**
 * The demo `npm start` seeds never passes for real: setup says what of the bloc is demo data
 * (the dashboard marks it), every export marks its rows, and one admin action takes it all
 * away, keeping what the bloc's real data uses.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let dataDir: string
let admin: { authorization: string }
let demoCadre: Field
let realCadre: Field
let realUnit: Unit
const demoPhoto = jpeg(3_000, 'ảnh mẫu')

const setup = async () => (await app.inject({ method: 'GET', url: '/api/setup', headers: admin })).json<SetupResponse>()
const csvRows = async (file: string, year: number) =>
  (await app.inject({ method: 'GET', url: `/api/export/${file}?year=${year}`, headers: admin })).rawPayload.subarray(3).toString('utf8').trim().split('\r\n')

beforeAll(async () => {
  dataDir = tempDir()
  app = await buildTestApp({ ADMIN_PASSWORD, DATA_DIR: dataDir, SEED_DEMO_LAST_YEAR: 'true' })
  admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  demoCadre = await fieldOf(app, 'Lý Thị Dua')
  const demoReport = reportOf(demoCadre, { photos: [photoOf(demoPhoto)] })
  expect(await pushOne(app, demoCadre, demoReport)).toMatchObject({ outcome: 'accepted' })
  await receivePhoto(app, dataDir, demoPhoto)

  // The bloc's own: a unit, a cadre of it, the demo's first commune assigned to it, and a report on this year's (demo) covenant.
  realUnit = (await app.inject({ method: 'POST', url: '/api/units', headers: admin, payload: { name: 'Ban Kinh tế Tỉnh ủy', shortName: 'Ban Kinh tế' } })).json<Unit>()
  const before = await setup()
  const year = before.covenants[0]!.year
  const assignments = (await app.inject({ method: 'GET', url: `/api/assignments/${year}`, headers: admin })).json<{ assignments: { unitId: string; communeId: string }[] }>()
  const commune = demoCadre.communes[0]!
  const assigned = await app.inject({
    method: 'PUT',
    url: `/api/assignments/${year}`,
    headers: admin,
    payload: { assignments: [...assignments.assignments.map(({ unitId, communeId }) => ({ unitId, communeId })), { unitId: realUnit.id, communeId: commune.id }] },
  })
  expect(assigned.statusCode, assigned.body).toBe(200)
  const created = await app.inject({
    method: 'POST',
    url: '/api/members',
    headers: admin,
    payload: { name: 'Lục Văn Khiêm', role: 'cadre', title: 'Chuyên viên', unitId: realUnit.id },
  })
  expect(created.statusCode, created.body).toBe(201)
  expect(created.json<MemberDetail>().name).toBe('Lục Văn Khiêm')
  realCadre = await fieldOf(app, 'Lục Văn Khiêm')
  const sent = await pushOne(app, realCadre, reportOf(realCadre, { communeId: commune.id }))
  expect(sent, JSON.stringify(sent)).toMatchObject({ outcome: 'accepted' })
}, 120_000)

describe('while the demo is there', () => {
  it('setup says which units, communes and covenants are demo data, and how many people and reports', async () => {
    const { demo, units, covenants } = await setup()
    expect(demo?.unitIds.sort()).toEqual(
      units
        .filter((unit) => unit.id !== realUnit.id)
        .map((unit) => unit.id)
        .sort(),
    )
    expect(demo?.covenantIds).toHaveLength(2)
    expect(covenants).toHaveLength(2)
    expect(demo?.members).toBeGreaterThan(10)
    // A year of visits from the demo's cadres, and the one sent here; the real cadre's is not counted.
    expect(demo?.reports).toBeGreaterThan(100)
  })

  it('every export marks the demo’s rows, and only those', async () => {
    const year = (await setup()).covenants[0]!.year
    const [headings, ...rows] = await csvRows('reports.csv', year)
    expect(headings?.endsWith(',Dữ liệu mẫu')).toBe(true)
    expect(rows.filter((row) => row.includes('Lục Văn Khiêm')).every((row) => row.endsWith(','))).toBe(true)
    expect(rows.filter((row) => row.includes('Lý Thị Dua')).every((row) => row.endsWith(',Mẫu'))).toBe(true)
    const [, ...progress] = await csvRows('progress.csv', year)
    expect(progress.filter((row) => row.startsWith('Ban Kinh tế Tỉnh ủy,')).every((row) => row.endsWith(','))).toBe(true)
    expect(progress.filter((row) => row.startsWith('Ban Dân vận Tỉnh ủy,')).every((row) => row.endsWith(',Mẫu'))).toBe(true)
  })

  it('only the admin may remove it', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/demo/removal', headers: demoCadre.headers })).statusCode).toBe(403)
    expect((await app.inject({ method: 'POST', url: '/api/demo/removal' })).statusCode).toBe(401)
  })
})

describe('removing the demo', () => {
  let removed: DemoRemoved
  let after: SetupResponse

  beforeAll(async () => {
    const response = await app.inject({ method: 'POST', url: '/api/demo/removal', headers: admin })
    expect(response.statusCode, response.body).toBe(200)
    removed = response.json<DemoRemoved>()
    after = await setup()
  })

  it('takes its people away with all they wrote, and their phones are signed out', async () => {
    expect(removed.members).toBeGreaterThan(10)
    expect(removed.reports).toBeGreaterThan(100)
    const blocId = await firstBlocOf(app)
    const members = await app.db
      .selectFrom('member')
      .innerJoin('unit', 'unit.id', 'member.unit_id')
      .select(['member.name', 'member.role'])
      .where('unit.bloc_id', '=', blocId)
      .orderBy('member.role')
      .execute()
    expect(members).toEqual([
      { name: 'Thường trực khối', role: 'admin' },
      { name: 'Lục Văn Khiêm', role: 'cadre' },
    ])
    // The other bloc's demo is its own admin's to take away; the province's office stays.
    const everyone = await app.db.selectFrom('member').leftJoin('unit', 'unit.id', 'member.unit_id').select(['member.demo', 'member.role', 'unit.bloc_id']).execute()
    const others = everyone.filter((row) => row.bloc_id !== blocId)
    expect(others.filter((row) => row.bloc_id !== null)).toHaveLength(5)
    expect(others.filter((row) => row.role === 'province')).toHaveLength(1)
    expect(others.every((row) => row.demo === 1)).toBe(true)
    expect((await app.inject({ method: 'GET', url: '/api/pull', headers: demoCadre.headers })).statusCode).toBe(401)
    expect(fs.existsSync(blobPath(path.join(dataDir, 'photos'), sha256Of(demoPhoto)))).toBe(false)
    const reports = await app.db.selectFrom('report').select('author_id').execute()
    expect(reports).toHaveLength(1)
  })

  it('keeps what real data uses, no longer marked, and removes the rest', async () => {
    expect(after.demo).toBeNull()
    // The admin's unit, and the real one.
    expect(after.units.map((unit) => unit.name).sort()).toContain('Ban Kinh tế Tỉnh ủy')
    expect(after.units).toHaveLength(2)
    expect(removed.units).toBe(5)
    // This year's covenant holds the real report; last year's held only the demo's.
    expect(after.covenants.map((covenant) => covenant.year)).toEqual([new Date().getFullYear()])
    expect(removed.covenants).toBe(1)
    // The commune assigned to the real unit stays.
    expect(after.communes.map((commune) => commune.id)).toEqual([demoCadre.communes[0]!.id])
    const [headings, ...rows] = await csvRows('reports.csv', new Date().getFullYear())
    expect(headings).toContain('Dữ liệu mẫu')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toContain('Lục Văn Khiêm')
  })

  it('leaves the real phones working, pulling the whole picture afresh', async () => {
    const pulled = await app.inject({ method: 'GET', url: '/api/pull?cursor=1', headers: realCadre.headers })
    expect(pulled.statusCode).toBe(200)
    expect(pulled.json<{ full: boolean; units: unknown[] }>()).toMatchObject({ full: true })
    expect(await pushOne(app, realCadre, reportOf(realCadre, { communeId: demoCadre.communes[0]!.id }))).toMatchObject({ outcome: 'accepted' })
  })

  it('is in the audit log, and a second time removes nothing', async () => {
    const entry = await app.db.selectFrom('audit_log').select('details').where('action', '=', 'demo.remove').executeTakeFirstOrThrow()
    expect(JSON.parse(entry.details)).toEqual(removed)
    const again = await app.inject({ method: 'POST', url: '/api/demo/removal', headers: admin })
    expect(again.json()).toEqual({ units: 0, communes: 0, covenants: 0, members: 0, reports: 0 })
  })
})

// A fresh enrollment of a removed member is impossible: the member is gone.
it('enrolling the demo’s people after the removal finds no one', async () => {
  await expect(enrolledAs(app, 'Lý Thị Dua')).rejects.toThrow()
})
