import type { Kysely } from 'kysely'
import type { DemoData, DemoRemoved } from '../../src/protocol'
import type { Database, Db } from '../db/schema'
import { audit } from './audit'
import { communesOf, nextRevision, unitsOf } from './reference'
import { deleteBlobFiles, dropUnheldBlobs, type PhotoDirs } from './removals'
import { assertAdmin, type Manager } from './scope'

/**
 * The demo that `npm start` seeds into an empty database: its rows are marked (`demo` 1), so
 * they show as demo data, and one admin action takes them away. A report is demo data when its
 * author is.
 */

/** What of the bloc is demo data now, or null when nothing is. */
export async function demoOf(db: Db, blocId: string): Promise<DemoData | null> {
  const unitIds = await idsOf(db.selectFrom('unit').select('id').where('demo', '=', 1).where('bloc_id', '=', blocId))
  // A commune the demo seeded is this bloc's demo only while the bloc's demo is there: a bloc
  // listing another bloc's demo commune lists a place of its own.
  const seeded = (await db.selectFrom('bloc').select('demo').where('id', '=', blocId).executeTakeFirst())?.demo === 1
  const communeIds = seeded ? await idsOf(db.selectFrom('commune').select('id').where('demo', '=', 1).where('id', 'in', communesOf(db, blocId))) : []
  const covenantIds = await idsOf(db.selectFrom('covenant').select('id').where('demo', '=', 1).where('bloc_id', '=', blocId))
  const { members } = await db
    .selectFrom('member')
    .select((eb) => eb.fn.countAll<number>().as('members'))
    .where('demo', '=', 1)
    .where('unit_id', 'in', unitsOf(db, blocId))
    .executeTakeFirstOrThrow()
  const { reports } = await db
    .selectFrom('report')
    .innerJoin('member', 'member.id', 'report.author_id')
    .select((eb) => eb.fn.countAll<number>().as('reports'))
    .where('member.demo', '=', 1)
    .where('report.unit_id', 'in', unitsOf(db, blocId))
    .executeTakeFirstOrThrow()
  if (!unitIds.length && !communeIds.length && !covenantIds.length && !members) return null
  return { unitIds, communeIds, covenantIds, members, reports }
}

/**
 * `POST /api/demo/removal`: take the demo away from the admin's bloc, in one transaction
 * (another bloc's demo stays, for its own admin to take away). Its people go with all they
 * wrote, their phones and sessions; its units, communes and covenants go unless real data uses
 * them (a real member in a unit, a real report in a commune or a covenant, a commune assigned to
 * a real unit): those stay, as the bloc's own, and are no longer marked. The bloc keeps its
 * name and its admin, and the admin their unit. Phones of the demo's people are signed out;
 * every other phone pulls the whole picture afresh. The audit log keeps every entry but those
 * of the demo's people, and says what the removal took.
 */
export async function removeDemo(db: Kysely<Database>, dirs: PhotoDirs, admin: Manager, now = new Date()): Promise<DemoRemoved> {
  assertAdmin(admin)
  const { removed, shas } = await db.transaction().execute(async (trx) => {
    // Nothing marked: nothing to take, and no reason to send every phone a whole pull.
    const blocId = admin.blocId
    if (!(await demoOf(trx, blocId))) return { removed: { units: 0, communes: 0, covenants: 0, members: 0, reports: 0 }, shas: [] }
    const ofBloc = () => unitsOf(trx, blocId)
    // Only this bloc's real work keeps anything: another bloc's reports on a shared commune are its own.
    const realReports = trx.selectFrom('report').innerJoin('member', 'member.id', 'report.author_id').where('member.demo', '=', 0).where('report.unit_id', 'in', ofBloc())
    const realExemplars = trx.selectFrom('exemplar').innerJoin('member', 'member.id', 'exemplar.author_id').where('member.demo', '=', 0).where('exemplar.unit_id', 'in', ofBloc())
    // A unit stays when real people work in it or real reports name it; the admin's own unit
    // stays as their home, but what the demo assigned it goes.
    const keptUnits = new Set([
      ...(await idsOf(trx.selectFrom('member').select('unit_id as id').where('demo', '=', 0).where('role', '!=', 'admin').where('unit_id', 'in', ofBloc()))),
      ...(await idsOf(realReports.select('report.unit_id as id').distinct())),
      ...(await idsOf(realExemplars.select('exemplar.unit_id as id'))),
    ])
    const homes = await idsOf(trx.selectFrom('member').select('unit_id as id').where('role', '=', 'admin').where('unit_id', 'in', ofBloc()))
    const demoUnits = await idsOf(trx.selectFrom('unit').select('id').where('demo', '=', 1).where('bloc_id', '=', blocId))
    const units = demoUnits.filter((id) => !keptUnits.has(id) && !homes.includes(id))
    const unassigned = demoUnits.filter((id) => !keptUnits.has(id))
    const keptCommunes = new Set([
      ...(await idsOf(realReports.select('report.commune_id as id').distinct())),
      ...(await idsOf(
        trx
          .selectFrom('assignment')
          .innerJoin('unit', 'unit.id', 'assignment.unit_id')
          .select('assignment.commune_id as id')
          .where('unit.bloc_id', '=', blocId)
          .where((eb) => eb.or([eb('unit.demo', '=', 0), eb('unit.id', 'in', [...keptUnits, ''])])),
      )),
    ])
    // A commune another bloc lists stays for it; this bloc's list loses it.
    const listed = await idsOf(trx.selectFrom('commune').select('id').where('demo', '=', 1).where('id', 'in', communesOf(trx, blocId)))
    const delisted = listed.filter((id) => !keptCommunes.has(id))
    const elsewhere = new Set(await idsOf(trx.selectFrom('bloc_commune').select('commune_id as id').where('bloc_id', '!=', blocId)))
    const communes = delisted.filter((id) => !elsewhere.has(id))
    const keptCovenants = new Set([
      ...(await idsOf(realReports.select('report.covenant_id as id').distinct())),
      ...(await idsOf(realExemplars.select('exemplar.covenant_id as id'))),
    ])
    const covenants = (await idsOf(trx.selectFrom('covenant').select('id').where('demo', '=', 1).where('bloc_id', '=', blocId))).filter((id) => !keptCovenants.has(id))
    const any = (list: string[]) => (list.length ? list : [''])

    // What the demo's people wrote, and what hangs off it: named by subqueries, not id lists, as a
    // demo year holds more reports than one statement may list.
    // The bloc's admins stay, as the bloc's own, even one the demo seeded (another bloc's).
    const people = () => trx.selectFrom('member').select('id').where('demo', '=', 1).where('role', '!=', 'admin').where('unit_id', 'in', ofBloc())
    const reports = () => trx.selectFrom('report').select('id').where('author_id', 'in', people())
    const exemplars = () => trx.selectFrom('exemplar').select('id').where('author_id', 'in', people())
    const devices = () => trx.selectFrom('device').select('id').where('member_id', 'in', people())
    const { count: reportCount } = await trx
      .selectFrom('report')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('author_id', 'in', people())
      .executeTakeFirstOrThrow()
    const shas = [
      ...(await trx.selectFrom('photo').select('sha256').where('report_id', 'in', reports()).execute()),
      ...(await trx.selectFrom('exemplar_photo').select('sha256').where('exemplar_id', 'in', exemplars()).execute()),
    ].map((row) => row.sha256)
    for (const table of ['review', 'report_entry', 'photo', 'report_revision', 'removal'] as const) await trx.deleteFrom(table).where('report_id', 'in', reports()).execute()
    await trx
      .deleteFrom('removal')
      .where((eb) => eb.or([eb('unit_id', 'in', any(units)), eb('removed_by', 'in', people())]))
      .execute()
    await trx.deleteFrom('review').where('reviewer_id', 'in', people()).execute()
    await trx.deleteFrom('report').where('id', 'in', reports()).execute()
    await trx.updateTable('proposal').set({ exemplar_id: null }).where('exemplar_id', 'in', exemplars()).execute()
    await trx.deleteFrom('exemplar_photo').where('exemplar_id', 'in', exemplars()).execute()
    await trx.deleteFrom('exemplar').where('id', 'in', exemplars()).execute()
    await trx.updateTable('exemplar').set({ edited_by: null }).where('edited_by', 'in', people()).execute()

    // The year-end work on the demo's covenants and units, and what its people scored.
    for (const table of ['score', 'score_item', 'self_assessment', 'vote', 'proposal'] as const) {
      await trx
        .deleteFrom(table)
        .where((eb) => eb.or([eb('covenant_id', 'in', any(covenants)), eb('unit_id', 'in', any(units))]))
        .execute()
    }
    await trx
      .deleteFrom('score')
      .where((eb) => eb.or([eb('by_id', 'in', people()), eb('scorer_unit_id', 'in', any(units))]))
      .execute()
    await trx.deleteFrom('score_item').where('scorer_unit_id', 'in', any(units)).execute()
    await trx.deleteFrom('evaluation').where('covenant_id', 'in', any(covenants)).execute()
    await trx.deleteFrom('commitment').where('covenant_id', 'in', any(covenants)).execute()
    await trx.deleteFrom('covenant').where('id', 'in', any(covenants)).execute()

    // The demo's people: their phones, sessions, codes, and what they did on the dashboard.
    await trx
      .deleteFrom('enrollment_code')
      .where((eb) => eb.or([eb('member_id', 'in', people()), eb('created_by', 'in', people()), eb('device_id', 'in', devices())]))
      .execute()
    await trx.deleteFrom('session').where('member_id', 'in', people()).execute()
    await trx.deleteFrom('device').where('id', 'in', devices()).execute()
    await trx.deleteFrom('audit_log').where('actor_id', 'in', people()).execute()
    await trx.updateTable('audit_log').set({ unit_id: null }).where('unit_id', 'in', any(units)).execute()
    const { numDeletedRows } = await trx.deleteFrom('member').where('id', 'in', people()).executeTakeFirstOrThrow()

    // Its units and communes, and what is kept becomes the bloc's own; every phone pulls afresh.
    await trx
      .deleteFrom('assignment')
      .where((eb) => eb.or([eb('unit_id', 'in', any(unassigned)), eb.and([eb('commune_id', 'in', any(delisted)), eb('unit_id', 'in', ofBloc())])]))
      .execute()
    await trx.deleteFrom('bloc_commune').where('bloc_id', '=', blocId).where('commune_id', 'in', any(delisted)).execute()
    await trx.deleteFrom('commune').where('id', 'in', any(communes)).execute()
    await trx.updateTable('bloc').set({ head_unit_id: null }).where('head_unit_id', 'in', any(units)).execute()
    await trx.updateTable('bloc').set({ deputy_unit_id: null }).where('deputy_unit_id', 'in', any(units)).execute()
    await trx.deleteFrom('unit').where('id', 'in', any(units)).execute()
    const rev = await nextRevision(trx)
    await trx.updateTable('bloc').set({ demo: 0, rev }).where('id', '=', blocId).execute()
    await trx.updateTable('member').set({ demo: 0, rev }).where('unit_id', 'in', ofBloc()).execute()
    for (const table of ['unit', 'covenant'] as const) await trx.updateTable(table).set({ demo: 0, rev }).where('bloc_id', '=', blocId).execute()
    // A commune another bloc lists too keeps its mark: it is that bloc's to take away.
    await trx
      .updateTable('commune')
      .set({ demo: 0, rev })
      .where('id', 'in', communesOf(trx, blocId))
      .where('id', 'not in', trx.selectFrom('bloc_commune').select('commune_id').where('bloc_id', '!=', blocId))
      .execute()

    const removed: DemoRemoved = { units: units.length, communes: delisted.length, covenants: covenants.length, members: Number(numDeletedRows), reports: reportCount }
    await audit(trx, admin, 'demo.remove', null, { ...removed }, now)
    return { removed, shas: await dropUnheldBlobs(trx, shas) }
  })
  await deleteBlobFiles(dirs, shas)
  return removed
}

async function idsOf(query: { execute: () => Promise<{ id: string | null }[]> }): Promise<string[]> {
  return [...new Set((await query.execute()).flatMap((row) => (row.id === null ? [] : [row.id])))]
}
