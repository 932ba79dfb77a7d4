import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadDemoThisYear } from '../../server/services/demo-year'
import { blobPath } from '../../server/services/photo-store'
import { buildTestApp, firstBlocOf, tempDir } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'
import { PhotoStore } from '../../server/services/photo-store'

/** The demo's current year: visits so far from every unit to every commune it helps, each with photos drawn for it. */

const year = new Date().getFullYear()
// A fixed day, so that what is checked does not depend on the day the tests run; mid-year, to
// keep the photos drawn few (about 60 ms each).
const seededOn = new Date(`${year}-06-15T05:00:00.000Z`)

async function demoThisYear() {
  const dataDir = tempDir()
  const app = await buildTestApp({ ADMIN_PASSWORD, DATA_DIR: dataDir })
  const photosDir = path.join(dataDir, 'photos')
  expect(await loadDemoThisYear(app.db, await firstBlocOf(app), new PhotoStore(photosDir), seededOn)).toBe(true)
  const reports = await app.db
    .selectFrom('report')
    .innerJoin('covenant', 'covenant.id', 'report.covenant_id')
    .innerJoin('unit', 'unit.id', 'report.unit_id')
    .innerJoin('commune', 'commune.id', 'report.commune_id')
    .select([
      'report.id',
      'unit.name as unit',
      'commune.id as communeId',
      'commune.name as commune',
      'report.visit_date',
      'report.summary',
      'report.committed_at',
      'report.author_id',
    ])
    .where('covenant.year', '=', year)
    .orderBy('unit.name')
    .orderBy('report.visit_date')
    .orderBy('commune.name')
    .execute()
  const photos = await app.db
    .selectFrom('photo')
    .select(['report_id', 'sha256', 'received_at', 'captured_at'])
    .where(
      'report_id',
      'in',
      reports.map((report) => report.id),
    )
    .execute()
  return { app, dataDir, photosDir, reports, photos }
}

describe('the demo’s current year', { timeout: 60_000 }, () => {
  it('holds visits from January to the day before, to every commune of every unit, each with photos the endpoint holds, the same on every machine', async () => {
    // Two endpoints seeded alike: the demo is the same on every machine, photos included.
    const [{ app, photosDir, reports, photos }, again] = await Promise.all([demoThisYear(), demoThisYear()])
    const visits = (found: { reports: typeof reports }) => found.reports.map((report) => [report.unit, report.commune, report.visit_date, report.summary])
    expect(visits(again)).toEqual(visits({ reports }))
    expect(new Set(again.photos.map((photo) => photo.sha256))).toEqual(new Set(photos.map((photo) => photo.sha256)))

    const assigned = await app.db
      .selectFrom('assignment')
      .innerJoin('unit', 'unit.id', 'assignment.unit_id')
      .select(['assignment.unit_id', 'assignment.commune_id'])
      .where('assignment.year', '=', year)
      .where('unit.bloc_id', '=', await firstBlocOf(app))
      .execute()
    expect(new Set(reports.map((report) => report.communeId))).toEqual(new Set(assigned.map((row) => row.commune_id)))
    expect(new Set(reports.map((report) => report.unit)).size).toBe(6)
    // Spread over the months so far, none on or after the day it was seeded.
    expect(new Set(reports.map((report) => report.visit_date.slice(0, 7)))).toEqual(
      new Set(Array.from({ length: 6 }, (_, index) => `${year}-${String(index + 1).padStart(2, '0')}`)),
    )
    expect(reports.every((report) => report.visit_date < `${year}-06-15`)).toBe(true)
    // Each reached the endpoint on the day of its visit, not all at once.
    expect(reports.every((report) => report.committed_at.slice(0, 10) === report.visit_date)).toBe(true)

    expect(new Set(photos.map((photo) => photo.report_id))).toEqual(new Set(reports.map((report) => report.id)))
    expect(photos.every((photo) => photo.received_at !== null && photo.captured_at !== null)).toBe(true)
    // Every photo its own: no evidence flag for a photo used twice.
    expect(new Set(photos.map((photo) => photo.sha256)).size).toBe(photos.length)
    for (const photo of photos) expect(fs.statSync(blobPath(photosDir, photo.sha256)).size).toBeGreaterThan(5_000)
    expect(fs.readdirSync(photosDir).filter((name) => name.startsWith('.bytes-'))).toEqual([])

    // The cadre whose enrollment link npm start prints has none of them as their own.
    const demoCadre = await app.db.selectFrom('member').select('id').where('name', '=', 'Giàng Seo Chứ').executeTakeFirstOrThrow()
    expect(reports.some((report) => report.author_id === demoCadre.id)).toBe(false)
    // Loaded once.
    expect(await loadDemoThisYear(app.db, await firstBlocOf(app), new PhotoStore(photosDir), seededOn)).toBe(false)
  })

  it('goes with the demo when the admin removes it, photos and all', async () => {
    const { app, photosDir, photos } = await demoThisYear()
    const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
    const response = await app.inject({ method: 'POST', url: '/api/demo/removal', headers: admin })
    expect(response.statusCode).toBe(200)
    expect(await app.db.selectFrom('photo').select('id').execute()).toEqual([])
    for (const photo of photos) expect(fs.existsSync(blobPath(photosDir, photo.sha256))).toBe(false)
  })
})
