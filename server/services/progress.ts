import type { Kysely, Selectable } from 'kysely'
import { byVietnamese, paceOf, progressOf, yearElapsed, type Commitment, type Covenant, type CountedReport, type Progress, type ReportEntry } from '../../src/domain'
import type { CommuneOverview, ProgressCell, ProgressResponse } from '../../src/protocol'
import type { CovenantTable, Database, Db } from '../db/schema'
import { forbidden, notFound } from './errors'
import { activeCovenant, communesOf, toCommitment, toCommune, toCovenant, unitsOf } from './reference'
import { scopedUnit, type Manager } from './scope'

/** The bloc's covenant of `year`, or the one phones work against when no year is asked. */
export async function covenantFor(db: Db, blocId: string, year: number | undefined): Promise<Selectable<CovenantTable> | undefined> {
  if (year === undefined) return activeCovenant(db, blocId)
  return db.selectFrom('covenant').selectAll().where('bloc_id', '=', blocId).where('year', '=', year).executeTakeFirst()
}

/** Reports read at a time for progress: the event loop is given back between pages. */
const PAGE = 5000

/**
 * The covenant's reports (of one unit, or all), as progress counts them: each with its entries.
 * Read a page at a time in id order, giving the event loop back between pages, so that pushes
 * go on being answered while the progress of a year of a hundred thousand reports is read.
 */
export async function countedReports(db: Db, covenantId: string, filter: { unitId?: string | null; communeId?: string; asOf?: string }) {
  const counted: { unitId: string; visitDate: string; report: CountedReport }[] = []
  let after = ''
  for (;;) {
    let reports = db.selectFrom('report').select(['id', 'unit_id', 'commune_id', 'visit_date']).where('covenant_id', '=', covenantId).where('id', '>', after)
    if (filter.unitId) reports = reports.where('unit_id', '=', filter.unitId)
    if (filter.communeId) reports = reports.where('commune_id', '=', filter.communeId)
    if (filter.asOf) reports = reports.where('visit_date', '<=', filter.asOf)
    const rows = await reports.orderBy('id').limit(PAGE).execute()
    const entries = new Map<string, ReportEntry[]>()
    const entryRows = rows.length
      ? await db
          .selectFrom('report_entry')
          .select(['report_id', 'commitment_id', 'status', 'amount', 'note'])
          .where(
            'report_id',
            'in',
            rows.map((row) => row.id),
          )
          .execute()
      : []
    for (const row of entryRows) {
      const list = entries.get(row.report_id) ?? []
      list.push({ commitmentId: row.commitment_id, status: row.status, amount: row.amount, note: row.note })
      entries.set(row.report_id, list)
    }
    // Everything the endpoint holds counts as accepted: the phone sent it and the endpoint stored it.
    for (const row of rows) {
      counted.push({
        unitId: row.unit_id,
        visitDate: row.visit_date,
        report: { state: 'accepted', communeId: row.commune_id, entries: entries.get(row.id) ?? [] } satisfies CountedReport,
      })
    }
    const last = rows.at(-1)
    if (!last || rows.length < PAGE) return counted
    after = last.id
    await new Promise((resolve) => setImmediate(resolve))
  }
}

function cellsOf(commitments: Commitment[], progress: Map<string, Progress>, elapsed: number): ProgressCell[] {
  return commitments.map((item) => {
    const found = progress.get(item.id)
    const ratio = found?.ratio ?? null
    return {
      commitmentId: item.id,
      amount: found?.accepted ?? 0,
      done: found?.doneAccepted ?? false,
      reports: found?.reports.accepted ?? 0,
      target: found?.target ?? item.target,
      ratio,
      pace: paceOf(item, ratio, elapsed),
    }
  })
}

/** `GET /api/progress`: every unit's progress on every commitment of the year (a lead: their unit only). */
export async function progressMatrix(
  db: Kysely<Database>,
  manager: Manager,
  query: { year?: number; unitId?: string; asOf?: string },
  now = new Date(),
): Promise<ProgressResponse> {
  const unitId = await scopedUnit(db, manager, query.unitId)
  const covenant = await covenantFor(db, manager.blocId, query.year)
  if (!covenant) return { covenant: null, commitments: [], elapsed: 0, units: [] }
  return progressOfCovenant(db, covenant, { unitId, asOf: query.asOf }, now)
}

/** Every unit's progress (or one unit's) on every commitment of a covenant, up to a day. */
export async function progressOfCovenant(
  db: Kysely<Database>,
  covenant: Selectable<CovenantTable>,
  query: { unitId: string | null; asOf?: string },
  now = new Date(),
): Promise<ProgressResponse & { covenant: Covenant }> {
  const { unitId } = query
  const commitments = (await db.selectFrom('commitment').selectAll().where('covenant_id', '=', covenant.id).orderBy('position').execute()).map(toCommitment)
  let units = db.selectFrom('unit').select(['id', 'name', 'short_name']).where('bloc_id', '=', covenant.bloc_id)
  if (unitId) units = units.where('id', '=', unitId)
  const unitRows = (await units.execute()).sort(byVietnamese((row) => row.name))
  const assigned = await db
    .selectFrom('assignment')
    .innerJoin('commune', 'commune.id', 'assignment.commune_id')
    .selectAll('commune')
    .select('assignment.unit_id')
    .where('assignment.year', '=', covenant.year)
    .where('assignment.unit_id', 'in', unitsOf(db, covenant.bloc_id))
    .orderBy('commune.name')
    .execute()
  const reports = await countedReports(db, covenant.id, { unitId, asOf: query.asOf })
  // As of a day, the pace is the one of that day.
  const elapsed = yearElapsed(covenant.year, query.asOf ? new Date(`${query.asOf}T23:59:59Z`) : now)
  return {
    covenant: toCovenant(covenant),
    commitments,
    elapsed,
    units: unitRows.map((unit) => {
      const communes = assigned.filter((row) => row.unit_id === unit.id)
      const own = reports.filter((row) => row.unitId === unit.id).map((row) => row.report)
      return {
        unit: { id: unit.id, name: unit.name, shortName: unit.short_name },
        communes: communes.map(toCommune),
        reports: own.length,
        cells: cellsOf(commitments, progressOf(commitments, own, { communeIds: communes.map((row) => row.id) }), elapsed),
      }
    }),
  }
}

/** `GET /api/communes/:communeId/overview`: visits month by month and progress in one commune. A lead sees only a commune their unit helps. */
export async function communeOverview(
  db: Kysely<Database>,
  manager: Manager,
  communeId: string,
  query: { year?: number; asOf?: string },
  now = new Date(),
): Promise<CommuneOverview> {
  const commune = await db.selectFrom('commune').selectAll().where('id', '=', communeId).where('id', 'in', communesOf(db, manager.blocId)).executeTakeFirst()
  if (!commune) throw notFound('commune')
  const covenant = await covenantFor(db, manager.blocId, query.year)
  const year = covenant?.year ?? query.year ?? now.getFullYear()
  const unitId = await scopedUnit(db, manager, undefined)
  // The bloc's units that help it: another bloc's may help it too, and are not this bloc's to see.
  const helping = await db
    .selectFrom('assignment')
    .innerJoin('unit', 'unit.id', 'assignment.unit_id')
    .select(['unit.id', 'unit.name', 'unit.short_name'])
    .where('assignment.commune_id', '=', communeId)
    .where('assignment.year', '=', year)
    .where('unit.bloc_id', '=', manager.blocId)
    .orderBy('unit.name')
    .execute()
  if (unitId && !helping.some((row) => row.id === unitId)) throw forbidden('This commune is not assigned to your unit')
  const base = {
    commune: toCommune(commune),
    units: helping.filter((row) => !unitId || row.id === unitId).map((row) => ({ id: row.id, name: row.name, shortName: row.short_name })),
  }
  if (!covenant) return { ...base, covenant: null, commitments: [], elapsed: 0, visits: Array<number>(12).fill(0), cells: [] }

  const commitments = (await db.selectFrom('commitment').selectAll().where('covenant_id', '=', covenant.id).orderBy('position').execute()).map(toCommitment)
  const reports = await countedReports(db, covenant.id, { unitId, communeId, asOf: query.asOf })
  const visits = Array<number>(12).fill(0)
  for (const row of reports) {
    const month = Number(row.visitDate.slice(5, 7)) - 1
    if (row.visitDate.startsWith(String(covenant.year))) visits[month] = (visits[month] ?? 0) + 1
  }
  const elapsed = yearElapsed(covenant.year, now)
  return {
    ...base,
    covenant: toCovenant(covenant),
    commitments,
    elapsed,
    visits,
    cells: cellsOf(
      commitments,
      progressOf(
        commitments,
        reports.map((row) => row.report),
        { communeId },
      ),
      elapsed,
    ),
  }
}
