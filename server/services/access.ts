import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import { enrollmentCodeFromBytes, formatEnrollmentCode, normalizeEnrollmentCode, type Device, type Member, type Unit } from '../../src/domain'
import { ERROR_CODES, type ErrorCode } from '../../src/protocol'
import type { Database, MemberTable } from '../db/schema'
import { hashToken, newToken, TOKEN_PREFIX, verifyPassword } from './secrets'
import { toMember, toUnit } from './reference'

/** A refusal the routes turn into a 4xx with this status and code. */
export class AccessError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export const SESSION_HOURS = 12
const HOUR = 60 * 60 * 1000

/** Who is calling: an enrolled phone, or a lead or admin signed in to the dashboard. */
export type Caller =
  | { kind: 'device'; deviceId: string; member: Member }
  | { kind: 'session'; tokenHash: string; member: Member }

async function memberWithUnit(db: Kysely<Database> | Transaction<Database>, member: Selectable<MemberTable>): Promise<{ member: Member; unit: Unit }> {
  const unit = await db.selectFrom('unit').selectAll().where('id', '=', member.unit_id).executeTakeFirstOrThrow()
  return { member: toMember(member), unit: toUnit(unit) }
}

/** `POST /api/auth/login`. The same answer for an unknown name and a wrong password. */
export async function logIn(db: Kysely<Database>, username: string, password: string, now = new Date()) {
  const row = await db.selectFrom('member').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
  const ok = row?.password_hash != null && row.role !== 'cadre' && (await verifyPassword(password, row.password_hash))
  if (!row || !ok) throw new AccessError(401, ERROR_CODES.badLogin, 'Wrong username or password')
  const token = newToken('session')
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * HOUR).toISOString()
  await db.insertInto('session').values({ token_hash: hashToken(token), member_id: row.id, expires_at: expiresAt, revoked_at: null }).execute()
  return { token, expiresAt, ...(await memberWithUnit(db, row)) }
}

export async function logOut(db: Kysely<Database>, tokenHash: string, now = new Date()): Promise<void> {
  await db.updateTable('session').set({ revoked_at: now.toISOString() }).where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).execute()
}

/** Who a bearer token belongs to, or an `AccessError` that says why not. */
export async function identify(db: Kysely<Database>, token: string | undefined, now = new Date()): Promise<Caller> {
  if (!token) throw new AccessError(401, ERROR_CODES.unauthorized, 'An Authorization: Bearer token is required')
  const tokenHash = hashToken(token)
  if (token.startsWith(TOKEN_PREFIX.device)) {
    const device = await db.selectFrom('device').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (!device) throw new AccessError(401, ERROR_CODES.unauthorized, 'This device token is not known')
    if (device.revoked_at) throw new AccessError(401, ERROR_CODES.deviceRevoked, 'This device has been revoked; enroll it again')
    const member = await db.selectFrom('member').selectAll().where('id', '=', device.member_id).executeTakeFirstOrThrow()
    await db.updateTable('device').set({ last_seen_at: now.toISOString() }).where('id', '=', device.id).execute()
    return { kind: 'device', deviceId: device.id, member: toMember(member) }
  }
  if (token.startsWith(TOKEN_PREFIX.session)) {
    const session = await db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (!session || session.revoked_at || session.expires_at <= now.toISOString()) {
      throw new AccessError(401, ERROR_CODES.unauthorized, 'The session has ended; log in again')
    }
    const member = await db.selectFrom('member').selectAll().where('id', '=', session.member_id).executeTakeFirstOrThrow()
    return { kind: 'session', tokenHash, member: toMember(member) }
  }
  throw new AccessError(401, ERROR_CODES.unauthorized, 'This token is not known')
}

/** An admin acts for the whole bloc; a lead for their own unit only. */
export function mayManage(manager: Member, unitId: string): boolean {
  return manager.role === 'admin' || (manager.role === 'lead' && manager.unitId === unitId)
}

/** A one-time code (and link) with which `memberId` enrolls a phone. */
export async function createEnrollmentCode(
  db: Kysely<Database>,
  manager: Member | null,
  memberId: string,
  options: { validHours?: number; publicUrl: string; now?: Date },
) {
  const now = options.now ?? new Date()
  const member = await db.selectFrom('member').select(['id', 'unit_id']).where('id', '=', memberId).executeTakeFirst()
  if (!member) throw new AccessError(404, ERROR_CODES.notFound, 'No such member')
  if (manager && !mayManage(manager, member.unit_id)) throw new AccessError(403, ERROR_CODES.forbidden, 'Only an admin or this unit’s lead may do this')
  const code = enrollmentCodeFromBytes(randomBytes(16))
  const expiresAt = new Date(now.getTime() + (options.validHours ?? 24) * HOUR).toISOString()
  await db
    .insertInto('enrollment_code')
    .values({ code_hash: hashToken(code), member_id: member.id, created_by: manager?.id ?? null, expires_at: expiresAt, used_at: null, device_id: null })
    .execute()
  const shown = formatEnrollmentCode(code)
  // The code rides in the fragment, which browsers never send: it stays out of every access log.
  const link = `${options.publicUrl.replace(/\/$/, '')}/enroll#code=${shown}`
  return { code: shown, expiresAt, link, memberId: member.id }
}

/**
 * `POST /api/enroll`: trade a code for a new device and its token. The code is taken in the
 * same transaction that creates the device, so it can serve only once.
 */
export async function enroll(db: Kysely<Database>, input: { code: string; deviceName: string }, now = new Date()) {
  const code = normalizeEnrollmentCode(input.code)
  if (!code) throw new AccessError(404, ERROR_CODES.codeUnknown, 'This enrollment code is not known')
  const token = newToken('device')
  const at = now.toISOString()
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('enrollment_code').selectAll().where('code_hash', '=', hashToken(code)).executeTakeFirst()
    if (!row) throw new AccessError(404, ERROR_CODES.codeUnknown, 'This enrollment code is not known')
    if (row.used_at) throw new AccessError(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')
    if (row.expires_at <= at) throw new AccessError(410, ERROR_CODES.codeExpired, 'This enrollment code has expired')
    const device: Device = { id: randomUUID(), memberId: row.member_id, name: input.deviceName.trim(), enrolledAt: at, revokedAt: null }
    await trx.insertInto('device').values({ id: device.id, member_id: device.memberId, name: device.name, token_hash: hashToken(token), enrolled_at: at, revoked_at: null, last_seen_at: at }).execute()
    const taken = await trx
      .updateTable('enrollment_code')
      .set({ used_at: at, device_id: device.id })
      .where('code_hash', '=', row.code_hash)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (taken.numUpdatedRows !== 1n) throw new AccessError(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')
    const member = await trx.selectFrom('member').selectAll().where('id', '=', row.member_id).executeTakeFirstOrThrow()
    return { deviceToken: token, device, ...(await memberWithUnit(trx, member)) }
  })
}

/** Revoke a device: its token stops working at once. Answers the device as it now is. */
export async function revokeDevice(db: Kysely<Database>, manager: Member, deviceId: string, now = new Date()): Promise<Device> {
  const row = await db
    .selectFrom('device')
    .innerJoin('member', 'member.id', 'device.member_id')
    .select(['device.id', 'device.member_id', 'device.name', 'device.enrolled_at', 'device.revoked_at', 'member.unit_id'])
    .where('device.id', '=', deviceId)
    .executeTakeFirst()
  if (!row) throw new AccessError(404, ERROR_CODES.notFound, 'No such device')
  if (!mayManage(manager, row.unit_id)) throw new AccessError(403, ERROR_CODES.forbidden, 'Only an admin or this unit’s lead may do this')
  const revokedAt = row.revoked_at ?? now.toISOString()
  await db.updateTable('device').set({ revoked_at: revokedAt }).where('id', '=', deviceId).execute()
  return { id: row.id, memberId: row.member_id, name: row.name, enrolledAt: row.enrolled_at, revokedAt }
}
