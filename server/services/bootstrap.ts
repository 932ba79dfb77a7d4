import { randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { checkCommitment, type Commitment, type Role } from '../../src/domain'
import type { Database } from '../db/schema'
import { hashPassword, newPassword } from './secrets'
import { nextRevision } from './reference'

/** One bloc of the demo: its units, covenant, communes (each with the unit that helps it) and people; `key`s tie its parts together. */
export interface DemoBloc {
  bloc: { name: string; province: string; headUnit: string; deputyUnit: string }
  units: { key: string; name: string; shortName: string }[]
  covenant: {
    slogan: string
    /** `MM-dd` in the current year. */
    signedOn: string
    /** In covenant order: `order` is their place in this list. */
    commitments: Omit<Commitment, 'id' | 'covenantId' | 'order' | 'retiredAt'>[]
  }
  communes: { key: string; name: string; district: string; unit: string }[]
  /** `username` for an admin or lead who signs in (a password is then set with `npm run admin -- reset-password`). */
  members: { unit: string; name: string; role: Role; title: string; username?: string; demoEnrollment?: boolean }[]
}

/**
 * The shape of `server/demo/demo-data.json`: the bloc the endpoint starts with, smaller blocs
 * of the same province beside it, and the province's emulation office.
 */
export interface DemoData extends DemoBloc {
  otherBlocs: DemoBloc[]
  province: { name: string; title: string; username: string }
}

export const ADMIN_USERNAME = 'admin'

const isEmpty = async (db: Kysely<Database>) => (await db.selectFrom('bloc').select('id').limit(1).executeTakeFirst()) === undefined

/**
 * Load the demo into an empty database, in one transaction: its blocs, each with this year's
 * covenant signed and every commune assigned for the year, and the province's office. Answers
 * the first bloc's id, or null when the database already holds a bloc.
 */
export async function loadDemoData(db: Kysely<Database>, data: DemoData, now = new Date()): Promise<string | null> {
  if (!(await isEmpty(db))) return null
  return db.transaction().execute(async (trx) => {
    const rev = await nextRevision(trx)
    const first = await loadDemoBloc(trx, data, now.getFullYear(), rev)
    for (const bloc of data.otherBlocs) await loadDemoBloc(trx, bloc, now.getFullYear(), rev)
    await trx
      .insertInto('member')
      .values({ id: randomUUID(), unit_id: null, name: data.province.name, role: 'province', title: data.province.title, username: data.province.username, rev, demo: 1 })
      .execute()
    return first
  })
}

async function loadDemoBloc(trx: Transaction<Database>, data: DemoBloc, year: number, rev: number): Promise<string> {
  const unitIds = new Map(data.units.map((unit) => [unit.key, randomUUID()]))
  const idOf = (key: string) => {
    const id = unitIds.get(key)
    if (!id) throw new Error(`demo data: no unit with key ${key}`)
    return id
  }
  const blocId = randomUUID()
  await trx
    .insertInto('bloc')
    .values({ id: blocId, name: data.bloc.name, province: data.bloc.province, head_unit_id: idOf(data.bloc.headUnit), deputy_unit_id: idOf(data.bloc.deputyUnit), rev, demo: 1 })
    .execute()
  await trx
    .insertInto('unit')
    .values(data.units.map((unit) => ({ id: idOf(unit.key), bloc_id: blocId, name: unit.name, short_name: unit.shortName, rev, demo: 1 })))
    .execute()

  const covenantId = randomUUID()
  await trx
    .insertInto('covenant')
    .values({ id: covenantId, bloc_id: blocId, year, slogan: data.covenant.slogan, status: 'signed', signed_at: `${year}-${data.covenant.signedOn}`, rev, demo: 1 })
    .execute()
  const commitments = data.covenant.commitments.map((item, index) => ({ ...item, order: index + 1 }))
  for (const item of commitments) {
    const problems = checkCommitment(item)
    if (problems.length) throw new Error(`demo data: commitment "${item.title}": ${JSON.stringify(problems)}`)
  }
  await trx
    .insertInto('commitment')
    .values(
      commitments.map((item) => ({
        id: randomUUID(),
        covenant_id: covenantId,
        group_name: item.group,
        position: item.order,
        title: item.title,
        description: item.description,
        measure: item.measure,
        target: item.target,
        unit_label: item.unitLabel,
        max_points: item.maxPoints,
        scope: item.scope,
        rev,
      })),
    )
    .execute()

  // A commune is a place of the province: a bloc listing one another already lists shares it.
  for (const commune of data.communes) {
    const place = await trx
      .selectFrom('commune')
      .select('id')
      .where('province', '=', data.bloc.province)
      .where('district', '=', commune.district)
      .where('name', '=', commune.name)
      .executeTakeFirst()
    const communeId = place?.id ?? randomUUID()
    if (!place) await trx.insertInto('commune').values({ id: communeId, name: commune.name, district: commune.district, province: data.bloc.province, rev, demo: 1 }).execute()
    await trx.insertInto('bloc_commune').values({ bloc_id: blocId, commune_id: communeId }).execute()
    await trx
      .insertInto('assignment')
      .values({ unit_id: idOf(commune.unit), commune_id: communeId, year, rev })
      .execute()
  }

  await trx
    .insertInto('member')
    .values(
      data.members.map((member) => ({
        id: randomUUID(),
        unit_id: idOf(member.unit),
        name: member.name,
        role: member.role,
        title: member.title,
        username: member.username ?? null,
        rev,
        demo: 1,
      })),
    )
    .execute()
  return blocId
}

/**
 * The demo cadre whose enrollment link `npm start` prints: only while the demo data is loaded
 * and no phone is enrolled for that cadre, so a real deployment stops printing codes.
 */
export async function demoCadre(db: Kysely<Database>, data: DemoData) {
  const wanted = data.members.find((member) => member.demoEnrollment)
  if (!wanted) return undefined
  return db
    .selectFrom('member')
    .select(['member.id', 'member.name'])
    .where('member.name', '=', wanted.name)
    .where('member.role', '=', 'cadre')
    .where((eb) => eb.not(eb.exists(eb.selectFrom('device').select('device.id').whereRef('device.member_id', '=', 'member.id').where('device.revoked_at', 'is', null))))
    .executeTakeFirst()
}

/**
 * Make sure the first bloc (`firstBlocId`, else the oldest) has its admin, `admin`. On a database
 * without a bloc, first create an empty bloc with its head unit for the admin to belong to.
 * Answers the password when it was generated here (to print once), null when the admin existed
 * or the password came from the caller.
 */
export async function ensureAdmin(
  db: Kysely<Database>,
  password: string | undefined,
  firstBlocId?: string,
): Promise<{ username: string; generatedPassword: string | null } | null> {
  const existing = await db.selectFrom('member').select('id').where('username', '=', ADMIN_USERNAME).executeTakeFirst()
  if (existing) return null
  const chosen = password ?? newPassword()
  const passwordHash = await hashPassword(chosen)
  await db.transaction().execute(async (trx) => {
    const rev = await nextRevision(trx)
    // The endpoint's first bloc (the demo's first, or a new one): another bloc's admin has a name of their own.
    let first = trx.selectFrom('bloc').select(['id', 'head_unit_id'])
    if (firstBlocId) first = first.where('id', '=', firstBlocId)
    let bloc = await first.orderBy('rev').executeTakeFirst()
    if (!bloc) {
      bloc = { id: randomUUID(), head_unit_id: randomUUID() }
      await trx.insertInto('bloc').values({ id: bloc.id, name: 'Khối thi đua', province: '', head_unit_id: null, deputy_unit_id: null, rev }).execute()
      await trx.insertInto('unit').values({ id: bloc.head_unit_id!, bloc_id: bloc.id, name: 'Đơn vị Trưởng khối', short_name: 'Trưởng khối', rev }).execute()
      await trx.updateTable('bloc').set({ head_unit_id: bloc.head_unit_id }).where('id', '=', bloc.id).execute()
    }
    const unitId = bloc.head_unit_id ?? (await trx.selectFrom('unit').select('id').where('bloc_id', '=', bloc.id).executeTakeFirstOrThrow()).id
    await trx
      .insertInto('member')
      .values({ id: randomUUID(), unit_id: unitId, name: 'Thường trực khối', role: 'admin', title: 'Quản trị', username: ADMIN_USERNAME, password_hash: passwordHash, rev })
      .execute()
  })
  return { username: ADMIN_USERNAME, generatedPassword: password ? null : chosen }
}
