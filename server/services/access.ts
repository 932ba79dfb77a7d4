import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import {
  checkName,
  enrollmentCodeFromBytes,
  formatEnrollmentCode,
  LIMITS,
  normalizeEnrollmentCode,
  type Device,
  type Member,
  type Problem,
  type Unit,
} from '../../src/domain'
import { ERROR_CODES, type ErrorCode } from '../../src/protocol'
import type { Database, MemberTable } from '../db/schema'
import { hashPassword, hashToken, newToken, TOKEN_PREFIX, verifyPassword } from './secrets'
import { toMember, toUnit } from './reference'

/** A refusal the routes turn into a 4xx with this status and code. */
export class AccessError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    /** The domain's broken rules, for a 400 `invalid`. */
    readonly problems?: Problem[],
  ) {
    super(message)
  }
}

/** `write`, with a unique constraint's refusal (SQLite's or PostgreSQL's) answered as a 409 with `message`. */
export async function uniquely<T>(message: string, write: () => Promise<T>, problems?: Problem[]): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505') throw new AccessError(409, ERROR_CODES.conflict, message, problems)
    throw error
  }
}

/** A 400 naming each broken rule, or nothing when there are none. */
export function refuseProblems(problems: Problem[], what: string): void {
  if (problems.length) throw new AccessError(400, ERROR_CODES.invalid, `${what} is not valid: ${problems.map((p) => `${p.field} (${p.rule})`).join(', ')}`, problems)
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

// Checked when there is no real hash to check, so that an unknown name costs as long as a wrong password.
let decoyHash: Promise<string> | undefined

/** `POST /api/auth/login`. The same answer, in the same time, for an unknown name and a wrong password. */
export async function logIn(db: Kysely<Database>, username: string, password: string, now = new Date()) {
  const row = await db.selectFrom('member').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
  const usable = row?.password_hash != null && row.role !== 'cadre'
  decoyHash ??= hashPassword('decoy')
  const matches = await verifyPassword(password, usable ? (row.password_hash ?? '') : await decoyHash)
  if (!row || !usable || !matches) throw new AccessError(401, ERROR_CODES.badLogin, 'Wrong username or password')
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

/** An admin acts for everyone in the bloc; a lead for themselves and the cadres of their own unit. */
export function mayManage(manager: Member, target: { id: string; unitId: string; role: Member['role'] }): boolean {
  if (manager.role === 'admin') return true
  if (manager.role !== 'lead') return false
  return target.id === manager.id || (target.role === 'cadre' && target.unitId === manager.unitId)
}

const notYours = () => new AccessError(403, ERROR_CODES.forbidden, 'An admin, or the lead of this cadre’s unit, may do this')

/**
 * A one-time code (and link) with which `memberId` enrolls a phone, issued by a lead or admin,
 * or by the endpoint itself (`'endpoint'`) for the demo link it prints.
 */
export async function createEnrollmentCode(
  db: Kysely<Database>,
  issuer: Member | 'endpoint',
  memberId: string,
  options: { validHours?: number; publicUrl: string; now?: Date },
) {
  const now = options.now ?? new Date()
  const member = await db.selectFrom('member').select(['id', 'unit_id', 'role', 'name']).where('id', '=', memberId).executeTakeFirst()
  if (!member) throw new AccessError(404, ERROR_CODES.notFound, 'No such member')
  if (issuer !== 'endpoint' && !mayManage(issuer, { id: member.id, unitId: member.unit_id, role: member.role })) throw notYours()
  const code = enrollmentCodeFromBytes(randomBytes(16))
  const expiresAt = new Date(now.getTime() + (options.validHours ?? 24) * HOUR).toISOString()
  await db
    .insertInto('enrollment_code')
    .values({ code_hash: hashToken(code), member_id: member.id, created_by: issuer === 'endpoint' ? null : issuer.id, expires_at: expiresAt, used_at: null, device_id: null, request_id: null })
    .execute()
  const shown = formatEnrollmentCode(code)
  // The code rides in the fragment, which browsers never send: it stays out of every access log.
  const link = `${options.publicUrl.replace(/\/$/, '')}/enroll#code=${shown}`
  return { code: shown, expiresAt, link, memberId: member.id, memberName: member.name, unitId: member.unit_id }
}

/**
 * `POST /api/enroll`: trade a code for a new device and its token. The code is taken in the
 * same transaction that creates the device, so it serves only once, with one exception: on a
 * weak network the answer may be lost after the endpoint committed. The same phone retrying
 * with the same code and `requestId`, while the code is valid, gets a new token for the same
 * device instead of "already used".
 */
export async function enroll(db: Kysely<Database>, input: { code: string; deviceName: string; requestId?: string }, now = new Date()) {
  const code = normalizeEnrollmentCode(input.code)
  if (!code) throw new AccessError(404, ERROR_CODES.codeUnknown, 'This enrollment code is not known')
  const problems = checkName('deviceName', input.deviceName, LIMITS.deviceNameLength)
  if (problems.length) throw new AccessError(400, ERROR_CODES.invalid, 'deviceName must not be blank')
  const token = newToken('device')
  const at = now.toISOString()
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('enrollment_code').selectAll().where('code_hash', '=', hashToken(code)).executeTakeFirst()
    if (!row) throw new AccessError(404, ERROR_CODES.codeUnknown, 'This enrollment code is not known')
    if (row.expires_at <= at) throw new AccessError(410, ERROR_CODES.codeExpired, 'This enrollment code has expired')
    const retry = row.used_at !== null && row.device_id !== null && input.requestId !== undefined && row.request_id === input.requestId
    if (row.used_at && !retry) throw new AccessError(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')

    let device: Device
    if (retry && row.device_id) {
      const existing = await trx.selectFrom('device').selectAll().where('id', '=', row.device_id).where('revoked_at', 'is', null).executeTakeFirst()
      if (!existing) throw new AccessError(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')
      await trx.updateTable('device').set({ token_hash: hashToken(token), last_seen_at: at }).where('id', '=', existing.id).execute()
      device = { id: existing.id, memberId: existing.member_id, name: existing.name, enrolledAt: existing.enrolled_at, revokedAt: null }
    } else {
      device = { id: randomUUID(), memberId: row.member_id, name: input.deviceName.trim(), enrolledAt: at, revokedAt: null }
      await trx.insertInto('device').values({ id: device.id, member_id: device.memberId, name: device.name, token_hash: hashToken(token), enrolled_at: at, revoked_at: null, last_seen_at: at }).execute()
      const taken = await trx
        .updateTable('enrollment_code')
        .set({ used_at: at, device_id: device.id, request_id: input.requestId ?? null })
        .where('code_hash', '=', row.code_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      if (taken.numUpdatedRows !== 1n) throw new AccessError(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')
    }
    const member = await trx.selectFrom('member').selectAll().where('id', '=', row.member_id).executeTakeFirstOrThrow()
    return { deviceToken: token, device, ...(await memberWithUnit(trx, member)) }
  })
}

/** Revoke a device: its token stops working at once. Answers the device as it now is, with its member's unit and name. */
export async function revokeDevice(db: Kysely<Database>, manager: Member, deviceId: string, now = new Date()): Promise<{ device: Device; unitId: string; memberName: string }> {
  const row = await db
    .selectFrom('device')
    .innerJoin('member', 'member.id', 'device.member_id')
    .select(['device.id', 'device.member_id', 'device.name', 'device.enrolled_at', 'device.revoked_at', 'member.unit_id', 'member.role', 'member.name as member_name'])
    .where('device.id', '=', deviceId)
    .executeTakeFirst()
  if (!row) throw new AccessError(404, ERROR_CODES.notFound, 'No such device')
  if (!mayManage(manager, { id: row.member_id, unitId: row.unit_id, role: row.role })) throw notYours()
  const revokedAt = row.revoked_at ?? now.toISOString()
  await db.updateTable('device').set({ revoked_at: revokedAt }).where('id', '=', deviceId).execute()
  return { device: { id: row.id, memberId: row.member_id, name: row.name, enrolledAt: row.enrolled_at, revokedAt }, unitId: row.unit_id, memberName: row.member_name }
}
