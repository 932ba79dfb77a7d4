import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { byVietnamese, canMoveCovenant, checkCommitment, checkCovenant, checkName, isIsoDate, type Commitment } from '../../src/domain'
import type {
  AssignmentsRequest,
  AssignmentsResponse,
  BlocRequest,
  CommitmentRequest,
  CommuneRequest,
  CovenantDetail,
  CovenantStatusRequest,
  CreateCovenantRequest,
  SetupResponse,
  UnitRequest,
} from '../../src/protocol'
import type { Database, Db } from '../db/schema'
import { conflict, invalid, notFound, refuseProblems, uniquely } from './errors'
import { audit } from './audit'
import { nextRevision, toBloc, toCommitment, toCommune, toCovenant, toUnit, communesOf, unitsOf } from './reference'
import { assertAdmin, assertBloc, type Manager } from './scope'
import { demoOf } from './demo'

/**
 * Setting up the bloc's year: its units, communes and their assignment, the covenant and its
 * commitments. Only the admin changes these (each change asks `assertAdmin` first), and only
 * their own bloc's; every change stamps the rows it touches with the next revision, so phones
 * get it on their next pull, and is audited in the same transaction.
 */

export async function setupOf(db: Kysely<Database>, manager: Manager): Promise<SetupResponse> {
  const bloc = await db.selectFrom('bloc').selectAll().where('id', '=', manager.blocId).executeTakeFirstOrThrow()
  const units = (await db.selectFrom('unit').selectAll().where('bloc_id', '=', bloc.id).execute()).sort(byVietnamese((row) => row.name))
  const communes = (await db.selectFrom('commune').selectAll().where('id', 'in', communesOf(db, bloc.id)).execute()).sort(byVietnamese((row) => `${row.district}\u0000${row.name}`))
  const covenants = await db.selectFrom('covenant').selectAll().where('bloc_id', '=', bloc.id).orderBy('year', 'desc').execute()
  const shared = await db.selectFrom('bloc_commune').select('commune_id').distinct().where('bloc_id', '!=', bloc.id).where('commune_id', 'in', communesOf(db, bloc.id)).execute()
  return {
    bloc: toBloc(bloc),
    units: units.map(toUnit),
    communes: communes.map(toCommune),
    sharedCommuneIds: shared.map((row) => row.commune_id),
    covenants: covenants.map(toCovenant),
    demo: await demoOf(db, bloc.id),
  }
}

export async function updateBloc(db: Kysely<Database>, actor: Manager, body: BlocRequest) {
  assertAdmin(actor)
  refuseProblems(checkName('name', body.name), 'The bloc')
  if (body.headUnitId && body.headUnitId === body.deputyUnitId) throw invalid('The head and the deputy unit must differ', [{ field: 'deputyUnitId', rule: 'sameAsHead' }])
  return db.transaction().execute(async (trx) => {
    for (const unitId of [body.headUnitId, body.deputyUnitId]) {
      if (unitId && !(await trx.selectFrom('unit').select('id').where('id', '=', unitId).where('bloc_id', '=', actor.blocId).executeTakeFirst())) throw notFound('unit')
    }
    const rev = await nextRevision(trx)
    const row = await trx
      .updateTable('bloc')
      .set({ name: body.name.trim(), province: body.province.trim(), head_unit_id: body.headUnitId, deputy_unit_id: body.deputyUnitId, rev })
      .where('id', '=', actor.blocId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(trx, actor, 'bloc.update', null, { name: row.name })
    return toBloc(row)
  })
}

export async function saveUnit(db: Kysely<Database>, actor: Manager, unitId: string | null, body: UnitRequest) {
  assertAdmin(actor)
  refuseProblems([...checkName('name', body.name), ...checkName('shortName', body.shortName)], 'The unit')
  return uniquely('A unit with this name already exists', () =>
    db.transaction().execute(async (trx) => {
      const rev = await nextRevision(trx)
      const values = { name: body.name.trim(), short_name: body.shortName.trim(), rev }
      const row = unitId
        ? await trx.updateTable('unit').set(values).where('id', '=', unitId).where('bloc_id', '=', actor.blocId).returningAll().executeTakeFirst()
        : await trx
            .insertInto('unit')
            .values({ id: randomUUID(), bloc_id: actor.blocId, ...values })
            .returningAll()
            .executeTakeFirst()
      if (!row) throw notFound('unit')
      await audit(trx, actor, unitId ? 'unit.update' : 'unit.create', row.id, { name: row.name })
      return toUnit(row)
    }),
  )
}

export const COMMUNE_TAKEN = 'A commune with this name in this district already exists'

/** A commune's name and place as a bloc's admin or the province's office saves them: checked, trimmed. */
export function communeValues(body: CommuneRequest): CommuneRequest {
  refuseProblems([...checkName('name', body.name), ...checkName('district', body.district), ...checkName('province', body.province)], 'The commune')
  return { name: body.name.trim(), district: body.district.trim(), province: body.province.trim() }
}

/** Change a commune's name and place; stamped, so every phone of a unit helping it pulls the change. */
export async function changeCommune(trx: Transaction<Database>, communeId: string, values: CommuneRequest) {
  return trx
    .updateTable('commune')
    .set({ ...values, rev: await nextRevision(trx) })
    .where('id', '=', communeId)
    .returningAll()
    .executeTakeFirstOrThrow()
}

/**
 * Add a commune to the bloc's list, or change one. A commune is a place of the province: one
 * another bloc already lists is added to this bloc's list as it is, and one listed by another
 * bloc too no longer changes from one bloc.
 */
export async function saveCommune(db: Kysely<Database>, actor: Manager, communeId: string | null, body: CommuneRequest) {
  assertAdmin(actor)
  const values = communeValues(body)
  return uniquely(COMMUNE_TAKEN, () =>
    db.transaction().execute(async (trx) => {
      const listers = async (id: string) => (await trx.selectFrom('bloc_commune').select('bloc_id').where('commune_id', '=', id).execute()).map((row) => row.bloc_id)
      let row
      if (communeId) {
        const blocs = await listers(communeId)
        if (!blocs.includes(actor.blocId)) throw notFound('commune')
        if (blocs.length > 1)
          throw conflict('Another bloc lists this commune too: the province’s emulation office changes its name and place', [{ field: 'commune', rule: 'shared' }])
        row = await changeCommune(trx, communeId, values)
      } else {
        const place = await trx
          .selectFrom('commune')
          .selectAll()
          .where('province', '=', values.province)
          .where('district', '=', values.district)
          .where('name', '=', values.name)
          .executeTakeFirst()
        if (place && (await listers(place.id)).includes(actor.blocId)) throw conflict(COMMUNE_TAKEN, [{ field: 'name', rule: 'taken' }])
        row =
          place ??
          (await trx
            .insertInto('commune')
            .values({ id: randomUUID(), ...values, rev: await nextRevision(trx) })
            .returningAll()
            .executeTakeFirstOrThrow())
        await trx.insertInto('bloc_commune').values({ bloc_id: actor.blocId, commune_id: row.id }).execute()
      }
      await audit(trx, actor, communeId ? 'commune.update' : 'commune.create', null, { name: row.name, district: row.district })
      return toCommune(row)
    }),
  )
}

/** The bloc's assignments of a year. */
export async function assignmentsOf(db: Db, manager: Manager, year: number): Promise<AssignmentsResponse> {
  const rows = await db.selectFrom('assignment').select(['unit_id', 'commune_id', 'year']).where('year', '=', year).where('unit_id', 'in', unitsOf(db, manager.blocId)).execute()
  return { year, assignments: rows.map((row) => ({ unitId: row.unit_id, communeId: row.commune_id, year: row.year })) }
}

/**
 * Replace the year's assignments with `body`'s. A unit that loses a commune is stamped too:
 * its phones then pull everything afresh and drop the commune.
 */
export async function setAssignments(db: Kysely<Database>, actor: Manager, year: number, body: AssignmentsRequest): Promise<AssignmentsResponse> {
  assertAdmin(actor)
  const key = (unitId: string, communeId: string) => `${unitId}|${communeId}`
  const wanted = new Map(body.assignments.map((item) => [key(item.unitId, item.communeId), item]))
  return db.transaction().execute(async (trx) => {
    const units = new Set((await unitsOf(trx, actor.blocId).execute()).map((row) => row.id))
    const communes = new Set((await communesOf(trx, actor.blocId).execute()).map((row) => row.commune_id))
    if ([...wanted.values()].some((item) => !units.has(item.unitId) || !communes.has(item.communeId))) throw notFound('unit or commune')

    // The bloc's own assignments: another bloc's units keep theirs.
    const before = await trx
      .selectFrom('assignment')
      .select(['unit_id', 'commune_id'])
      .where('year', '=', year)
      .where('unit_id', 'in', [...units, ''])
      .execute()
    const removed = before.filter((row) => !wanted.has(key(row.unit_id, row.commune_id)))
    const added = [...wanted.values()].filter((item) => !before.some((row) => key(row.unit_id, row.commune_id) === key(item.unitId, item.communeId)))
    if (removed.length || added.length) {
      const rev = await nextRevision(trx)
      for (const row of removed) {
        await trx.deleteFrom('assignment').where('unit_id', '=', row.unit_id).where('commune_id', '=', row.commune_id).where('year', '=', year).execute()
      }
      const losers = [...new Set(removed.map((row) => row.unit_id))]
      if (losers.length) await trx.updateTable('unit').set({ rev }).where('id', 'in', losers).execute()
      if (added.length)
        await trx
          .insertInto('assignment')
          .values(added.map((item) => ({ unit_id: item.unitId, commune_id: item.communeId, year, rev })))
          .execute()
      // One entry per unit whose communes changed, so that each unit's lead reads it in the log.
      for (const unitId of new Set([...added.map((item) => item.unitId), ...removed.map((row) => row.unit_id)])) {
        const gained = added.filter((item) => item.unitId === unitId).length
        const lost = removed.filter((row) => row.unit_id === unitId).length
        await audit(trx, actor, 'assignments.update', unitId, { year, added: gained, removed: lost })
      }
    }
    return assignmentsOf(trx, actor, year)
  })
}

/** A covenant of the manager's bloc, with its commitments. */
export async function covenantDetail(db: Db, manager: Manager, covenantId: string): Promise<CovenantDetail> {
  const covenant = await db.selectFrom('covenant').selectAll().where('id', '=', covenantId).executeTakeFirst()
  assertBloc(manager, covenant?.bloc_id, 'covenant')
  if (!covenant) throw notFound('covenant')
  const commitments = await db.selectFrom('commitment').selectAll().where('covenant_id', '=', covenantId).orderBy('position').execute()
  return { covenant: toCovenant(covenant), commitments: commitments.map(toCommitment) }
}

/** A draft covenant for a year: empty, or with the commitments (not the retired ones) of `copyFrom`. */
export async function createCovenant(db: Kysely<Database>, actor: Manager, body: CreateCovenantRequest): Promise<CovenantDetail> {
  assertAdmin(actor)
  refuseProblems(checkCovenant({ year: body.year, slogan: body.slogan, status: 'draft', signedAt: null }), 'The covenant')
  return uniquely(`A covenant for ${body.year} already exists`, () =>
    db.transaction().execute(async (trx) => {
      const rev = await nextRevision(trx)
      const id = randomUUID()
      await trx.insertInto('covenant').values({ id, bloc_id: actor.blocId, year: body.year, slogan: body.slogan.trim(), status: 'draft', signed_at: null, rev }).execute()
      if (body.copyFrom) {
        const source = await covenantDetail(trx, actor, body.copyFrom)
        const kept = source.commitments.filter((item) => !item.retiredAt)
        if (kept.length) {
          await trx
            .insertInto('commitment')
            .values(kept.map((item, index) => ({ ...commitmentColumns({ ...item, order: index + 1 }), id: randomUUID(), covenant_id: id, rev })))
            .execute()
        }
      }
      await audit(trx, actor, 'covenant.create', null, { year: body.year, copiedFrom: body.copyFrom ?? null })
      return covenantDetail(trx, actor, id)
    }),
  )
}

/** A covenant to change: it must exist in the admin's bloc, and a closed year takes no more changes. */
async function openCovenant(trx: Transaction<Database>, actor: Manager, covenantId: string, what = 'covenant') {
  const row = await trx.selectFrom('covenant').selectAll().where('id', '=', covenantId).executeTakeFirst()
  assertBloc(actor, row?.bloc_id, what)
  if (!row) throw notFound('covenant')
  if (row.status === 'closed') throw conflict('This covenant is closed: its year can no longer change')
  return row
}

export async function updateCovenant(db: Kysely<Database>, actor: Manager, covenantId: string, slogan: string): Promise<CovenantDetail> {
  assertAdmin(actor)
  return db.transaction().execute(async (trx) => {
    const row = await openCovenant(trx, actor, covenantId)
    await trx
      .updateTable('covenant')
      .set({ slogan: slogan.trim(), rev: await nextRevision(trx) })
      .where('id', '=', covenantId)
      .execute()
    await audit(trx, actor, 'covenant.update', null, { year: row.year })
    return covenantDetail(trx, actor, covenantId)
  })
}

/** Sign a draft (on `signedAt`, today by default), or close a signed one. A covenant without commitments is not signed. */
export async function moveCovenant(db: Kysely<Database>, actor: Manager, covenantId: string, body: CovenantStatusRequest, now = new Date()): Promise<CovenantDetail> {
  assertAdmin(actor)
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('covenant').selectAll().where('id', '=', covenantId).executeTakeFirst()
    assertBloc(actor, row?.bloc_id, 'covenant')
    if (!row) throw notFound('covenant')
    if (!canMoveCovenant(row.status, body.status)) throw conflict(`A ${row.status} covenant cannot become ${body.status}`)
    const signedAt = body.status === 'signed' ? (body.signedAt ?? now.toISOString().slice(0, 10)) : row.signed_at
    if (signedAt !== null && !isIsoDate(signedAt)) throw invalid('signedAt is not a day', [{ field: 'signedAt', rule: 'date' }])
    if (body.status === 'signed') {
      const count = await trx
        .selectFrom('commitment')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('covenant_id', '=', covenantId)
        .executeTakeFirstOrThrow()
      if (count.n === 0) throw invalid('A covenant needs commitments to be signed', [{ field: 'commitments', rule: 'required' }])
    }
    await trx
      .updateTable('covenant')
      .set({ status: body.status, signed_at: signedAt, rev: await nextRevision(trx) })
      .where('id', '=', covenantId)
      .execute()
    await audit(trx, actor, 'covenant.status', null, { year: row.year, status: body.status })
    return covenantDetail(trx, actor, covenantId)
  })
}

function commitmentColumns(item: Omit<Commitment, 'id' | 'covenantId' | 'retiredAt'>) {
  return {
    group_name: item.group.trim(),
    position: item.order,
    title: item.title.trim(),
    description: item.description.trim(),
    measure: item.measure,
    target: item.target,
    unit_label: item.measure === 'percent' ? '%' : item.unitLabel.trim(),
    max_points: item.maxPoints,
    scope: item.scope,
  }
}

export async function addCommitment(db: Kysely<Database>, actor: Manager, covenantId: string, body: CommitmentRequest): Promise<Commitment> {
  assertAdmin(actor)
  return db.transaction().execute(async (trx) => {
    const covenant = await openCovenant(trx, actor, covenantId)
    const last = await trx
      .selectFrom('commitment')
      .select((eb) => eb.fn.max<number | null>('position').as('max'))
      .where('covenant_id', '=', covenantId)
      .executeTakeFirst()
    const item = { ...body, order: body.order ?? (last?.max ?? 0) + 1 }
    refuseProblems(checkCommitment(item), 'The commitment')
    const row = await trx
      .insertInto('commitment')
      .values({ ...commitmentColumns(item), id: randomUUID(), covenant_id: covenantId, rev: await nextRevision(trx) })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(trx, actor, 'commitment.create', null, { year: covenant.year, title: row.title })
    return toCommitment(row)
  })
}

async function commitmentToChange(trx: Transaction<Database>, actor: Manager, commitmentId: string) {
  const row = await trx.selectFrom('commitment').selectAll().where('id', '=', commitmentId).executeTakeFirst()
  if (!row) throw notFound('commitment')
  return { row, covenant: await openCovenant(trx, actor, row.covenant_id, 'commitment') }
}

/** Change a commitment. Once its covenant is signed, what it measures and where stay as signed: reports were made against them. */
export async function updateCommitment(db: Kysely<Database>, actor: Manager, commitmentId: string, body: CommitmentRequest): Promise<Commitment> {
  assertAdmin(actor)
  return db.transaction().execute(async (trx) => {
    const { row, covenant } = await commitmentToChange(trx, actor, commitmentId)
    if (covenant.status !== 'draft' && (body.measure !== row.measure || body.scope !== row.scope)) {
      throw conflict('The covenant is signed: a commitment’s measure and scope can no longer change; retire it and add another')
    }
    const item = { ...body, order: body.order ?? row.position }
    refuseProblems(checkCommitment(item), 'The commitment')
    const updated = await trx
      .updateTable('commitment')
      .set({ ...commitmentColumns(item), rev: await nextRevision(trx) })
      .where('id', '=', commitmentId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(trx, actor, 'commitment.update', null, { year: covenant.year, title: updated.title })
    return toCommitment(updated)
  })
}

/** Delete a commitment of a draft covenant; a signed one's are retired instead, so reports keep their meaning. */
export async function deleteCommitment(db: Kysely<Database>, actor: Manager, commitmentId: string): Promise<void> {
  assertAdmin(actor)
  await db.transaction().execute(async (trx) => {
    const { row, covenant } = await commitmentToChange(trx, actor, commitmentId)
    if (covenant.status !== 'draft') throw conflict('The covenant is signed: retire the commitment instead of deleting it')
    await trx.deleteFrom('commitment').where('id', '=', commitmentId).execute()
    await audit(trx, actor, 'commitment.delete', null, { year: covenant.year, title: row.title })
  })
}

/** Withdraw a commitment of a signed covenant (phones stop offering it), or bring it back. */
export async function retireCommitment(db: Kysely<Database>, actor: Manager, commitmentId: string, retired: boolean, now = new Date()): Promise<Commitment> {
  assertAdmin(actor)
  return db.transaction().execute(async (trx) => {
    const { row, covenant } = await commitmentToChange(trx, actor, commitmentId)
    if (covenant.status === 'draft') throw conflict('The covenant is a draft: delete the commitment instead')
    const updated = await trx
      .updateTable('commitment')
      .set({ retired_at: retired ? (row.retired_at ?? now.toISOString()) : null, rev: await nextRevision(trx) })
      .where('id', '=', commitmentId)
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit(trx, actor, 'commitment.retire', null, { year: covenant.year, title: row.title, retired })
    return toCommitment(updated)
  })
}
