import { randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import { byVietnamese, checkMember } from '../../src/domain'
import type { DeviceDetail, MemberDetail, MemberRequest } from '../../src/protocol'
import type { Database, DeviceTable, MemberTable } from '../db/schema'
import { audit } from './audit'
import { conflict, forbidden, notFound, refuseProblems, uniquely } from './errors'
import { blocOfUnit, managedOf, memberWithBloc, nextRevision, toMember, unitsOf } from './reference'
import { assertBloc, assertUnit, mayManage, scopedUnit, type Managed, type Manager } from './scope'
import { hashPassword, newPassword } from './secrets'

/**
 * The bloc's people and their phones. The admin manages everyone; a lead sees their own unit
 * and creates and changes its cadres, never a lead or the admin, never another unit.
 */

const toDevice = (row: Selectable<DeviceTable>): DeviceDetail => ({
  id: row.id,
  memberId: row.member_id,
  name: row.name,
  enrolledAt: row.enrolled_at,
  revokedAt: row.revoked_at,
  lastSeenAt: row.last_seen_at,
  lastPushAt: row.last_push_at,
  appVersion: row.app_version,
  waiting: row.waiting,
  freeBytes: row.free_bytes,
})

function detailOf(row: Selectable<MemberTable>, devices: Selectable<DeviceTable>[]): MemberDetail {
  return { ...toMember(row), username: row.username, devices: devices.filter((device) => device.member_id === row.id).map(toDevice) }
}

export async function listMembers(db: Kysely<Database>, manager: Manager, unitId: string | undefined): Promise<MemberDetail[]> {
  const scope = await scopedUnit(db, manager, unitId)
  let query = db.selectFrom('member').selectAll().where('unit_id', 'in', unitsOf(db, manager.blocId))
  if (scope) query = query.where('unit_id', '=', scope)
  const members = (await query.execute()).sort(byVietnamese((row) => row.name))
  const devices = members.length
    ? await db
        .selectFrom('device')
        .selectAll()
        .where(
          'member_id',
          'in',
          members.map((row) => row.id),
        )
        .orderBy('enrolled_at', 'desc')
        .execute()
    : []
  return members.map((row) => detailOf(row, devices))
}

async function memberDetail(db: Kysely<Database>, memberId: string): Promise<MemberDetail> {
  const row = await db.selectFrom('member').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow()
  return detailOf(row, await db.selectFrom('device').selectAll().where('member_id', '=', memberId).orderBy('enrolled_at', 'desc').execute())
}

/** What a lead may do to a member, the request included: only cadres of their own unit. */
function assertMayManage(manager: Manager, target: Managed, body: MemberRequest & { blocId: string | undefined }): void {
  if (target.id) assertBloc(manager, target.role === 'province' ? null : target.blocId, 'member')
  assertUnit(manager, body.unitId, body.blocId)
  if (!mayManage(manager, target) || (manager.role !== 'admin' && body.role !== 'cadre' && target.id !== manager.id)) {
    throw forbidden('A unit lead manages only the cadres of their own unit')
  }
  if (manager.role !== 'admin' && (body.role !== target.role || body.unitId !== target.unitId)) {
    throw forbidden('Only the bloc admin changes a member’s role or unit')
  }
}

/**
 * Create a member (`memberId` null) or change one. A lead or the admin signs in with a username
 * and a password; a cadre has neither. Changing a member stamps them, so their phones pull
 * everything afresh (a member moved to another unit sees only the new unit's communes).
 */
export async function saveMember(db: Kysely<Database>, manager: Manager, memberId: string | null, body: MemberRequest): Promise<MemberDetail> {
  const existing = memberId ? await memberWithBloc(db, memberId) : undefined
  if (memberId && !existing) throw notFound('member')
  const blocId = await blocOfUnit(db, body.unitId)
  const target = existing ? managedOf(existing) : { id: '', unitId: body.unitId, blocId: blocId ?? null, role: body.role }
  assertMayManage(manager, target, { ...body, blocId })
  const admins = () => db.selectFrom('member').select('id').where('role', '=', 'admin').where('unit_id', 'in', unitsOf(db, manager.blocId)).execute()
  if (existing?.role === 'admin' && body.role !== 'admin' && (await admins()).length === 1) throw conflict('The bloc must keep an admin')
  const username = body.role === 'cadre' ? null : (body.username?.trim().toLowerCase() ?? existing?.username ?? null)
  refuseProblems(checkMember({ name: body.name, role: body.role, username }, body.password !== undefined || Boolean(existing?.password_hash)), 'The member')
  const passwordHash = body.role === 'cadre' ? null : body.password !== undefined ? await hashPassword(body.password) : (existing?.password_hash ?? null)

  const id = memberId ?? randomUUID()
  await uniquely(
    'This username is taken',
    () =>
      db.transaction().execute(async (trx) => {
        const values = {
          unit_id: body.unitId,
          name: body.name.trim(),
          title: body.title.trim(),
          role: body.role,
          username,
          password_hash: passwordHash,
          rev: await nextRevision(trx),
        }
        if (existing) await trx.updateTable('member').set(values).where('id', '=', id).execute()
        else
          await trx
            .insertInto('member')
            .values({ id, ...values })
            .execute()
        // A password changed or taken away ends the sessions it opened.
        if (existing && passwordHash !== existing.password_hash) await endSessions(trx, id)
        const details = { name: values.name, role: body.role, ...(body.password !== undefined && { passwordChanged: true }) }
        await audit(trx, manager, existing ? 'member.update' : 'member.create', body.unitId, details)
        // A member moved to another unit: the unit they left reads it too.
        if (existing && existing.unit_id !== body.unitId) await audit(trx, manager, 'member.update', existing.unit_id, details)
      }),
    [{ field: 'username', rule: 'taken' }],
  )
  return memberDetail(db, id)
}

/** Every session of the member ends (their password changed, or was taken away). */
async function endSessions(trx: Transaction<Database>, memberId: string, now = new Date()): Promise<void> {
  await trx.updateTable('session').set({ revoked_at: now.toISOString() }).where('member_id', '=', memberId).where('revoked_at', 'is', null).execute()
}

/** A manager's new password, set for them (they forgot it, or were locked out): stamped, and the sessions the old one opened end. */
export async function replacePassword(trx: Transaction<Database>, memberId: string, passwordHash: string, now = new Date()): Promise<void> {
  await trx
    .updateTable('member')
    .set({ password_hash: passwordHash, rev: await nextRevision(trx) })
    .where('id', '=', memberId)
    .execute()
  await endSessions(trx, memberId, now)
}

/**
 * `npm run admin -- reset-password [username]`, from the endpoint's machine: a manager (the
 * admin by default) who is locked out or forgot the password gets a new one, generated and
 * shown once. Their sessions end; the change is audited as theirs, made from the machine. A new
 * password also starts their name's count of failed logins afresh.
 */
export async function resetPassword(db: Kysely<Database>, username = 'admin', now = new Date()): Promise<{ name: string; password: string }> {
  const password = newPassword()
  const passwordHash = await hashPassword(password)
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('member').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
    if (!row || row.role === 'cadre') throw notFound('manager')
    await replacePassword(trx, row.id, passwordHash, now)
    const blocId = row.unit_id === null ? null : ((await blocOfUnit(trx, row.unit_id)) ?? null)
    await audit(trx, { id: row.id, blocId }, 'member.update', row.unit_id, { member: row.name, password: 'reset from the endpoint’s machine' }, now)
    return { name: row.name, password }
  })
}
