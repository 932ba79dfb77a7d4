import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable } from 'kysely'
import { byVietnamese, checkMember, checkName, groupBy } from '../../src/domain'
import type { Commune, CommuneRequest, CreateBlocRequest, CreateBlocResponse, Proposal, ProvinceBloc, ProvinceResponse, SharedCommunesResponse } from '../../src/protocol'
import type { BlocTable, Database } from '../db/schema'
import { evaluationMessages, exportMessages, provinceMessages } from '../messages'
import { audit } from './audit'
import { conflict, notFound, refuseProblems, uniquely } from './errors'
import { evaluationOf } from './evaluation-view'
import { demoMark, number, text, xlsxOf, type Table } from './export'
import { covenantFor, progressOfCovenant } from './progress'
import { replacePassword } from './members'
import { nextRevision, toBloc, toCommune, toCovenant } from './reference'
import { changeCommune, COMMUNE_TAKEN, communeValues } from './setup'
import { hashPassword, newPassword } from './secrets'

/**
 * The province's emulation office, above the blocs: it reads every bloc's year (progress, and
 * the results and proposals a bloc has published) and exports them together, and creates blocs
 * with their first admin, and keeps the places several blocs share. It changes nothing else
 * inside a bloc: that is the bloc admin's.
 */

/** Who of the province's office acts. */
export interface Officer {
  id: string
  name: string
}

/** `GET /api/province`: every bloc's year, by name. */
export async function provinceOverview(db: Kysely<Database>, year: number): Promise<ProvinceResponse> {
  const blocs = (await db.selectFrom('bloc').selectAll().execute()).sort(byVietnamese((row) => row.name))
  return { year, blocs: await Promise.all(blocs.map((bloc) => blocYear(db, bloc, year))) }
}

async function blocYear(db: Kysely<Database>, bloc: Selectable<BlocTable>, year: number): Promise<ProvinceBloc> {
  const admins = await db
    .selectFrom('member')
    .innerJoin('unit', 'unit.id', 'member.unit_id')
    .select('member.username')
    .where('unit.bloc_id', '=', bloc.id)
    .where('member.role', '=', 'admin')
    .orderBy('member.username')
    .execute()
  const base = { bloc: toBloc(bloc), demo: bloc.demo === 1, admins: admins.flatMap((row) => (row.username ? [row.username] : [])) }
  const covenant = await covenantFor(db, bloc.id, year)
  if (!covenant) {
    const units = (await db.selectFrom('unit').select(['id', 'name', 'short_name']).where('bloc_id', '=', bloc.id).execute()).sort(byVietnamese((row) => row.name))
    return {
      ...base,
      covenant: null,
      commitments: 0,
      publishedAt: null,
      units: units.map((unit) => ({ unit: { id: unit.id, name: unit.name, shortName: unit.short_name }, reports: 0, met: 0, total: null, band: null, rank: null })),
      proposals: [],
    }
  }
  const progress = await progressOfCovenant(db, covenant, { unitId: null })
  const inForce = new Set(progress.commitments.filter((item) => item.retiredAt === null).map((item) => item.id))
  // A draft is not evaluated; a signed covenant has its rules and nothing published yet.
  const evaluation = covenant.status === 'draft' ? null : await evaluationOf(db, { role: 'province', blocId: bloc.id, unitId: null }, covenant.id)
  const results = new Map(evaluation?.units.map((unit) => [unit.unit.id, unit]))
  const names = new Map(progress.units.map((row) => [row.unit.id, row.unit.name]))
  return {
    ...base,
    covenant: toCovenant(covenant),
    commitments: inForce.size,
    publishedAt: evaluation?.publishedAt ?? null,
    units: progress.units.map((row) => {
      const result = evaluation?.publishedAt ? results.get(row.unit.id) : undefined
      return {
        unit: row.unit,
        reports: row.reports,
        met: row.cells.filter((cell) => inForce.has(cell.commitmentId) && (cell.done || (cell.ratio ?? 0) >= 1)).length,
        total: result?.total ?? null,
        band: result?.band ?? null,
        rank: result?.rank ?? null,
      }
    }),
    proposals: (evaluation?.proposals ?? []).map((proposal: Proposal) => ({ ...proposal, unitName: proposal.unitId ? (names.get(proposal.unitId) ?? null) : null })),
  }
}

/**
 * `GET /api/province/export.xlsx`: every bloc's year in one workbook: a sheet of units (progress,
 * and the published total, band and place) and a sheet of the proposals the blocs published.
 */
export async function provinceWorkbook(db: Kysely<Database>, officer: Officer, year: number): Promise<{ bytes: Buffer; name: string }> {
  const { blocs } = await provinceOverview(db, year)
  const h = { ...exportMessages.headings, ...evaluationMessages.headings, ...provinceMessages.headings }
  const units: Table = {
    sheet: provinceMessages.sheets.units,
    columns: [
      text(h.bloc, 40),
      text(h.covenantStatus, 14),
      text(h.unit, 32),
      number(h.reports, 10),
      number(h.met, 12),
      number(h.commitmentCount, 12),
      number(h.total, 10),
      text(h.band, 12),
      number(h.rank, 8),
      text(h.publishedAt, 14),
      text(h.demo, 12),
    ],
    rows: blocs.flatMap((item) =>
      item.units.map((row) => [
        item.bloc.name,
        item.covenant ? provinceMessages.covenantStatus[item.covenant.status] : provinceMessages.noCovenant,
        row.unit.name,
        row.reports,
        row.met,
        item.commitments,
        row.total,
        row.band,
        row.rank,
        item.publishedAt?.slice(0, 10) ?? '',
        demoMark(item.demo),
      ]),
    ),
  }
  const proposals: Table = {
    sheet: provinceMessages.sheets.proposals,
    columns: [text(h.bloc, 40), text(h.award, 24), text(h.unit, 32), text(h.nominee, 28), text(h.achievements, 60), text(h.proposalStatus, 14), text(h.demo, 12)],
    rows: blocs.flatMap((item) =>
      item.proposals.map((proposal) => [
        item.bloc.name,
        proposal.award,
        proposal.unitName ?? '',
        proposal.nominee,
        proposal.achievements,
        provinceMessages.proposalStatus[proposal.status],
        demoMark(item.demo),
      ]),
    ),
  }
  const bytes = await xlsxOf([units, proposals])
  const name = `giao-uoc-${year}-toan-tinh.xlsx`
  await db.transaction().execute((trx) => audit(trx, { id: officer.id, blocId: null }, 'export', null, { file: name, year }))
  return { bytes, name }
}

/**
 * `POST /api/province/blocs`: a new bloc with its head unit and first admin, in one
 * transaction. Usernames are unique across the endpoint: a name another bloc (or the province)
 * uses is refused with 409, and nothing is created.
 */
export async function createBloc(db: Kysely<Database>, officer: Officer, body: CreateBlocRequest): Promise<CreateBlocResponse> {
  refuseProblems(
    [...checkName('name', body.name), ...checkName('province', body.province), ...checkName('headUnit.name', body.headUnit.name), ...checkName('admin.name', body.admin.name)],
    'The bloc',
  )
  const username = body.admin.username.trim().toLowerCase()
  const passwordHash = await hashPassword(body.admin.password)
  return uniquely(
    'This username is taken',
    () =>
      db.transaction().execute(async (trx) => {
        const rev = await nextRevision(trx)
        const blocId = randomUUID()
        const unitId = randomUUID()
        const adminId = randomUUID()
        await trx.insertInto('bloc').values({ id: blocId, name: body.name.trim(), province: body.province.trim(), head_unit_id: null, deputy_unit_id: null, rev }).execute()
        await trx.insertInto('unit').values({ id: unitId, bloc_id: blocId, name: body.headUnit.name.trim(), short_name: body.headUnit.shortName.trim(), rev }).execute()
        const bloc = await trx.updateTable('bloc').set({ head_unit_id: unitId }).where('id', '=', blocId).returningAll().executeTakeFirstOrThrow()
        await trx
          .insertInto('member')
          .values({ id: adminId, unit_id: unitId, name: body.admin.name.trim(), role: 'admin', title: provinceMessages.adminTitle, username, password_hash: passwordHash, rev })
          .execute()
        await audit(trx, { id: officer.id, blocId }, 'bloc.create', null, { name: bloc.name, admin: username })
        return { bloc: toBloc(bloc), adminId, adminUsername: username }
      }),
    [{ field: 'admin.username', rule: 'taken' }],
  )
}

/**
 * `GET /api/province/communes`: the communes listed by more than one bloc, with those blocs. A
 * bloc's admin no longer changes such a place; the office does, for all of them at once.
 */
export async function sharedCommunes(db: Kysely<Database>): Promise<SharedCommunesResponse> {
  const rows = await db
    .selectFrom('bloc_commune')
    .innerJoin('bloc', 'bloc.id', 'bloc_commune.bloc_id')
    .select(['bloc_commune.commune_id', 'bloc.id', 'bloc.name'])
    .where('bloc_commune.commune_id', 'in', (eb) =>
      eb
        .selectFrom('bloc_commune')
        .select('commune_id')
        .groupBy('commune_id')
        .having((h) => h.fn.countAll(), '>', 1),
    )
    .execute()
  const blocs = groupBy(rows, (row) => row.commune_id)
  const communes = blocs.size
    ? await db
        .selectFrom('commune')
        .selectAll()
        .where('id', 'in', [...blocs.keys()])
        .execute()
    : []
  return {
    communes: communes
      .map((row) => ({ commune: toCommune(row), blocs: (blocs.get(row.id) ?? []).map(({ id, name }) => ({ id, name })).sort(byVietnamese((bloc) => bloc.name)) }))
      .sort(byVietnamese((item) => `${item.commune.district}\u0000${item.commune.name}`)),
  }
}

/**
 * `PUT /api/province/communes/:communeId`: correct the name or place of a commune several blocs
 * list, for all of them (one bloc's own is its admin's: 409). It is stamped, so the phones of every unit helping it pull the change, and each of
 * those blocs' logs records it.
 */
export async function correctCommune(db: Kysely<Database>, officer: Officer, communeId: string, body: CommuneRequest): Promise<Commune> {
  const values = communeValues(body)
  return uniquely(
    COMMUNE_TAKEN,
    () =>
      db.transaction().execute(async (trx) => {
        const blocs = await trx.selectFrom('bloc_commune').select('bloc_id').where('commune_id', '=', communeId).execute()
        const before = await trx.selectFrom('commune').select(['name', 'district']).where('id', '=', communeId).executeTakeFirst()
        if (!before || !blocs.length) throw notFound('commune')
        if (blocs.length < 2) throw conflict('Only one bloc lists this commune: its admin changes it')
        const row = await changeCommune(trx, communeId, values)
        const details = { name: row.name, district: row.district, was: `${before.name}, ${before.district}` }
        for (const { bloc_id: blocId } of blocs) await audit(trx, { id: officer.id, blocId }, 'commune.update', null, details)
        return toCommune(row)
      }),
    [{ field: 'name', rule: 'taken' }],
  )
}

/**
 * `PUT /api/province/admins/:username/password`: a new password for a bloc's admin, set by the
 * office (the admin forgot theirs, or was locked out: a new password starts the name's count of
 * failed logins afresh). Their sessions end; the bloc's log records it. Only a bloc admin's:
 * a lead's is their admin's to set, and anyone else is 404.
 */
export async function setAdminPassword(db: Kysely<Database>, officer: Officer, username: string, password: string, now = new Date()): Promise<void> {
  const passwordHash = await hashPassword(password)
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('member')
      .innerJoin('unit', 'unit.id', 'member.unit_id')
      .select(['member.id', 'member.name', 'member.unit_id', 'unit.bloc_id'])
      .where('member.username', '=', username.trim().toLowerCase())
      .where('member.role', '=', 'admin')
      .executeTakeFirst()
    if (!row) throw notFound('bloc admin')
    await replacePassword(trx, row.id, passwordHash, now)
    await audit(trx, { id: officer.id, blocId: row.bloc_id }, 'member.update', row.unit_id, { member: row.name, password: 'set by the province’s office' }, now)
  })
}

/**
 * `npm run admin -- add-province <username> [name]`, from the endpoint's machine: an account of
 * the province's emulation office, with a password generated and shown once. A username in use
 * anywhere on the endpoint is refused.
 */
export async function addProvinceOfficer(
  db: Kysely<Database>,
  username: string,
  name = provinceMessages.officeName,
  now = new Date(),
): Promise<{ username: string; password: string }> {
  const login = username.trim().toLowerCase()
  refuseProblems(checkMember({ name, role: 'lead', username: login }, true), 'The account')
  const password = newPassword()
  const passwordHash = await hashPassword(password)
  await uniquely('This username is taken', () =>
    db.transaction().execute(async (trx) => {
      const id = randomUUID()
      await trx
        .insertInto('member')
        .values({ id, unit_id: null, name: name.trim(), role: 'province', title: '', username: login, password_hash: passwordHash, rev: await nextRevision(trx) })
        .execute()
      await audit(trx, { id, blocId: null }, 'member.create', null, { name: name.trim(), role: 'province' }, now)
    }),
  )
  return { username: login, password }
}
