import { describe, expect, it } from 'vitest'
import type { EvaluationResponse, SetupResponse } from '../../src/protocol'
import { buildTestApp } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/** The demo's last year: a covenant being evaluated, with a year of reports from every unit, the same on every machine. */

async function demoYear() {
  const app = await buildTestApp({ ADMIN_PASSWORD, SEED_DEMO_LAST_YEAR: 'true' })
  const admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  const setup = (await app.inject({ method: 'GET', url: '/api/setup', headers: admin })).json<SetupResponse>()
  const last = setup.covenants.find((covenant) => covenant.status === 'evaluating') ?? expect.fail('no year being evaluated')
  const evaluation = (await app.inject({ method: 'GET', url: `/api/covenants/${last.id}/evaluation`, headers: admin })).json<EvaluationResponse>()
  return { app, setup, last, evaluation }
}

describe('the demo’s last year', () => {
  it('is being evaluated beside this year’s signed covenant, with a year of reports from every unit', async () => {
    const { app, setup, last, evaluation } = await demoYear()
    const year = new Date().getFullYear()
    expect(setup.covenants.map((covenant) => [covenant.year, covenant.status])).toEqual([
      [year, 'signed'],
      [year - 1, 'evaluating'],
    ])
    const reports = await app.db.selectFrom('report').select(['unit_id', 'visit_date']).where('covenant_id', '=', last.id).execute()
    expect(new Set(reports.map((row) => row.unit_id)).size).toBe(6)
    expect(reports.every((row) => row.visit_date.startsWith(`${year - 1}-`))).toBe(true)
    expect(reports.length).toBeGreaterThan(60)
    // Suggestions differ from unit to unit: there is a year to rank.
    const suggested = evaluation.units.map((unit) => unit.lines.reduce((sum, line) => sum + line.suggested, 0))
    expect(new Set(suggested).size).toBeGreaterThan(3)
    // The demo devices that sent them cannot be used.
    const devices = await app.db.selectFrom('device').select('revoked_at').where('name', 'like', 'Máy dữ liệu mẫu%').execute()
    expect(devices.length).toBe(6)
    expect(devices.every((row) => row.revoked_at !== null)).toBe(true)
  })

  it('is the same on every machine', async () => {
    const [first, second] = await Promise.all([demoYear(), demoYear()])
    const figures = (evaluation: EvaluationResponse) => evaluation.units.map((unit) => [unit.unit.name, unit.lines.map((line) => line.suggested)])
    expect(figures(first.evaluation)).toEqual(figures(second.evaluation))
  })
})
