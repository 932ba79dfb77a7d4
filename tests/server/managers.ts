import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import type { PushedReport } from '../../src/protocol'
import type { App } from '../../server/app'
import { recordPhotoBlob } from '../../server/services/photos'
import { storePhoto } from '../../server/services/photo-store'
import { hashPassword } from '../../server/services/secrets'
import { fieldOf, jpeg, photoOf, pushOne, reportOf, sha256Of, type Field } from './field'
import { buildTestApp, tempDir } from './helper'

export const ADMIN_PASSWORD = 'mật khẩu quản trị thử'
const LEAD_PASSWORD = 'mật khẩu lãnh đạo thử'

type Headers = { authorization: string }

/** A unit of the demo bloc as the tests use it: its lead signed in, a cadre's phone, one report with a received photo. */
export interface TestUnit {
  unitId: string
  lead: Headers
  leadId: string
  field: Field
  report: PushedReport
  photoId: string
}

export interface TestBloc {
  app: App
  dataDir: string
  admin: Headers
  /** Ban Dân vận: the lead's own unit in the tests. */
  own: TestUnit
  /** Ban Tuyên giáo: another unit. */
  other: TestUnit
  /** The demo's second bloc (Mặt trận and the mass organisations): its admin and a lead signed in. */
  otherBloc: { blocId: string; admin: Headers; lead: Headers }
  /** The province's emulation office, signed in. */
  province: Headers
}

export async function logIn(app: App, username: string, password: string): Promise<Headers> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } })
  expect(response.statusCode, response.body).toBe(200)
  return { authorization: `Bearer ${response.json<{ token: string }>().token}` }
}

/** Give a demo member who signs in (a lead, another bloc's admin, the province's office) a username and password, and sign in. */
async function leadOf(app: App, name: string, username: string): Promise<{ headers: Headers; id: string }> {
  const member = await app.db.selectFrom('member').select('id').where('name', '=', name).executeTakeFirstOrThrow()
  await app.db
    .updateTable('member')
    .set({ username, password_hash: await hashPassword(LEAD_PASSWORD) })
    .where('id', '=', member.id)
    .execute()
  return { headers: await logIn(app, username, LEAD_PASSWORD), id: member.id }
}

/** The demo's second bloc, its admin and its lead signed in. */
async function otherBlocOf(app: App): Promise<TestBloc['otherBloc']> {
  const admin = await leadOf(app, 'Thường trực khối Mặt trận', 'admin.mattran')
  const lead = await leadOf(app, 'Lò Thị Mỷ', 'my.phunu')
  const { bloc_id: blocId } = await app.db
    .selectFrom('member')
    .innerJoin('unit', 'unit.id', 'member.unit_id')
    .select('unit.bloc_id')
    .where('member.id', '=', admin.id)
    .executeTakeFirstOrThrow()
  return { blocId, admin: admin.headers, lead: lead.headers }
}

/** Put `bytes` in the photo store as finished uploads from every unit listing them do: each such photo is then received. */
export async function receivePhoto(app: App, dataDir: string, bytes: Buffer, type = 'image/jpeg'): Promise<void> {
  const file = path.join(tempDir(), 'upload')
  const sha256 = sha256Of(bytes)
  fs.writeFileSync(file, bytes)
  await storePhoto(file, path.join(dataDir, 'photos'), sha256)
  const units = await app.db
    .selectFrom('photo')
    .innerJoin('report', 'report.id', 'photo.report_id')
    .select('report.unit_id')
    .where('photo.sha256', '=', sha256)
    .union(
      app.db.selectFrom('exemplar_photo').innerJoin('exemplar', 'exemplar.id', 'exemplar_photo.exemplar_id').select('exemplar.unit_id').where('exemplar_photo.sha256', '=', sha256),
    )
    .execute()
  // Bytes no report lists yet are stored all the same.
  for (const { unit_id: unitId } of units.length ? units : [{ unit_id: '' }]) await recordPhotoBlob(app.db, { sha256, size: bytes.length, type }, unitId)
}

/** A report pushed from `cadre`'s phone with one photo whose bytes the endpoint holds. */
async function unitWithReport(app: App, dataDir: string, cadre: string, leadName: string, username: string): Promise<TestUnit> {
  const field = await fieldOf(app, cadre)
  const bytes = jpeg(4_000, cadre)
  const photo = photoOf(bytes)
  const count = field.commitments.find((item) => item.measure === 'count' && item.scope === 'commune')
  const report = reportOf(field, {
    entries: [
      ...reportOf(field).entries.filter((entry) => entry.status !== 'not_started'),
      ...(count ? [{ commitmentId: count.id, status: 'in_progress' as const, amount: 3, note: 'Ba hộ nghèo' }] : []),
    ],
    photos: [photo],
  })
  expect((await pushOne(app, field, report)).outcome).toBe('accepted')
  await receivePhoto(app, dataDir, bytes)
  const lead = await leadOf(app, leadName, username)
  return { unitId: field.unitId, lead: lead.headers, leadId: lead.id, field, report, photoId: photo.id }
}

/**
 * The demo bloc on a real SQLite file (or the test run's PostgreSQL), with the admin and two
 * units' leads signed in and a report in each unit; beside it the demo's second bloc and the
 * province's office, signed in. `env` adds settings.
 */
export async function testBloc(env: NodeJS.ProcessEnv = {}): Promise<TestBloc> {
  const dataDir = tempDir()
  const app = await buildTestApp({ DATA_DIR: dataDir, ADMIN_PASSWORD, ...env })
  const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  const own = await unitWithReport(app, dataDir, 'Lý Thị Dua', 'Phạm Thị Lan', 'lan.danvan')
  const other = await unitWithReport(app, dataDir, 'Vàng Thị Mai', 'Trần Quốc Tuấn', 'tuan.tuyengiao')
  const otherBloc = await otherBlocOf(app)
  const province = (await leadOf(app, 'Ban Thi đua – Khen thưởng tỉnh', 'thiduatinh')).headers
  return { app, dataDir, admin, own, other, otherBloc, province }
}
