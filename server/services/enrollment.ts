import { randomBytes, randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { checkName, enrollmentCodeFromBytes, formatEnrollmentCode, LIMITS, normalizeEnrollmentCode, type Device, type Member } from '../../src/domain'
import { ERROR_CODES, type EnrollmentCodeResponse, type EnrollRequest } from '../../src/protocol'
import type { Database } from '../db/schema'
import { HOUR, memberWithUnit } from './access'
import { audit } from './audit'
import { invalid, notFound, Refusal } from './errors'
import { limiter, limitFailures } from './failures'
import { managedOf, memberWithBloc } from './reference'
import { assertManages, type Manager } from './scope'
import { hashToken, newToken } from './secrets'

/**
 * Phones join by a one-time code a manager issues for a member, and leave when a manager
 * revokes them. Codes and tokens are stored as SHA-256 hashes only.
 */

const NOT_YOURS = 'An admin, or the lead of this cadre’s unit, may do this'
const codeUnknown = () => new Refusal(404, ERROR_CODES.codeUnknown, 'This enrollment code is not known')
const codeUsed = () => new Refusal(409, ERROR_CODES.codeUsed, 'This enrollment code has already been used')

/**
 * A one-time code (and link) with which `memberId` enrolls a phone, issued by a lead or admin
 * (and audited with it), or by the endpoint itself (`'endpoint'`) for the demo link it prints.
 */
/**
 * `POST /api/members/:memberId/enrollment-codes/revoke`: every code of the member not used yet
 * stops working at once (a printed card was lost, or handed to the wrong person). Answers how
 * many were withdrawn; phones already enrolled keep working.
 */
export async function revokeEnrollmentCodes(db: Kysely<Database>, manager: Manager, memberId: string, now = new Date()): Promise<{ revoked: number }> {
  return db.transaction().execute(async (trx) => {
    const member = await memberWithBloc(trx, memberId)
    if (!member) throw notFound('member')
    assertManages(manager, managedOf(member), 'member', NOT_YOURS)
    const at = now.toISOString()
    const { numUpdatedRows } = await trx
      .updateTable('enrollment_code')
      .set({ expires_at: at })
      .where('member_id', '=', member.id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst()
    const revoked = Number(numUpdatedRows)
    await audit(trx, manager, 'enrollment.revoke', member.unit_id, { member: member.name, codes: revoked }, now)
    return { revoked }
  })
}

export async function createEnrollmentCode(
  db: Kysely<Database>,
  issuer: Manager | 'endpoint',
  memberId: string,
  options: { validHours?: number; publicUrl: string; now?: Date },
): Promise<EnrollmentCodeResponse> {
  const now = options.now ?? new Date()
  const code = enrollmentCodeFromBytes(randomBytes(16))
  const expiresAt = new Date(now.getTime() + (options.validHours ?? 24) * HOUR).toISOString()
  return db.transaction().execute(async (trx) => {
    const member = await memberWithBloc(trx, memberId)
    if (!member) throw notFound('member')
    if (issuer !== 'endpoint') assertManages(issuer, managedOf(member), 'member', NOT_YOURS)
    await trx
      .insertInto('enrollment_code')
      .values({
        code_hash: hashToken(code),
        member_id: member.id,
        created_by: issuer === 'endpoint' ? null : issuer.id,
        expires_at: expiresAt,
        used_at: null,
        device_id: null,
        request_id: null,
      })
      .execute()
    if (issuer !== 'endpoint') await audit(trx, issuer, 'enrollment.create', member.unit_id, { member: member.name, expiresAt })
    const shown = formatEnrollmentCode(code)
    // The code rides in the fragment, which browsers never send: it stays out of every access log.
    const link = `${options.publicUrl.replace(/\/$/, '')}/enroll#code=${shown}`
    return { code: shown, expiresAt, link, memberId: member.id }
  })
}

/**
 * `POST /api/enroll`: trade a code for a new device and its token. The code is taken in the
 * same transaction that creates the device, so it serves only once, with one exception: on a
 * weak network the answer may be lost after the endpoint committed. The same phone retrying
 * with the same code and `requestId`, while the code is valid, gets a new token for the same
 * device instead of "already used".
 */
export async function enroll(db: Kysely<Database>, input: EnrollRequest, now = new Date()) {
  const code = normalizeEnrollmentCode(input.code)
  if (!code) throw codeUnknown()
  if (checkName('deviceName', input.deviceName, LIMITS.deviceNameLength).length) throw invalid('deviceName must not be blank')
  const token = newToken('device')
  const at = now.toISOString()
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('enrollment_code').selectAll().where('code_hash', '=', hashToken(code)).executeTakeFirst()
    if (!row) throw codeUnknown()
    if (row.expires_at <= at) throw new Refusal(410, ERROR_CODES.codeExpired, 'This enrollment code has expired')
    const retry = row.used_at !== null && row.device_id !== null && input.requestId !== undefined && row.request_id === input.requestId
    if (row.used_at && !retry) throw codeUsed()
    // Checked before the code is taken: refused, it stays good for the phone it was meant for.
    if (input.onlyMemberId !== undefined && row.member_id !== input.onlyMemberId) {
      throw new Refusal(409, ERROR_CODES.otherMember, 'This phone still holds unsent reports of another member: send them first')
    }

    let device: Device
    if (retry && row.device_id) {
      const existing = await trx.selectFrom('device').selectAll().where('id', '=', row.device_id).where('revoked_at', 'is', null).executeTakeFirst()
      if (!existing) throw codeUsed()
      await trx
        .updateTable('device')
        .set({ token_hash: hashToken(token), last_seen_at: at })
        .where('id', '=', existing.id)
        .execute()
      device = { id: existing.id, memberId: existing.member_id, name: existing.name, enrolledAt: existing.enrolled_at, revokedAt: null }
    } else {
      device = { id: randomUUID(), memberId: row.member_id, name: input.deviceName.trim(), enrolledAt: at, revokedAt: null }
      await trx
        .insertInto('device')
        .values({ id: device.id, member_id: device.memberId, name: device.name, token_hash: hashToken(token), enrolled_at: at, revoked_at: null, last_seen_at: at })
        .execute()
      const taken = await trx
        .updateTable('enrollment_code')
        .set({ used_at: at, device_id: device.id, request_id: input.requestId ?? null })
        .where('code_hash', '=', row.code_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst()
      if (taken.numUpdatedRows !== 1n) throw codeUsed()
    }
    const member = await trx.selectFrom('member').selectAll().where('id', '=', row.member_id).executeTakeFirstOrThrow()
    return { deviceToken: token, device, ...(await memberWithUnit(trx, member)) }
  })
}

/**
 * `enroll` slowed against guessing, with counts of its own (one per app): twenty wrong codes
 * from one address in an hour, then wait. 50-bit codes cannot be guessed that way.
 */
export function guardedEnroll(db: Kysely<Database>) {
  const failures = limiter(db, 'enrollment-codes', 20, HOUR)
  return (ip: string, input: EnrollRequest) => limitFailures([[failures, ip]], 'wrong codes', () => enroll(db, input))
}

/** Revoke a device: its token stops working at once, and the revocation is audited with it. Answers the device as it now is. */
export async function revokeDevice(db: Kysely<Database>, manager: Manager, deviceId: string, now = new Date()): Promise<Device> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('device')
      .innerJoin('member', 'member.id', 'device.member_id')
      .leftJoin('unit', 'unit.id', 'member.unit_id')
      .select([
        'device.id',
        'device.member_id',
        'device.name',
        'device.enrolled_at',
        'device.revoked_at',
        'member.unit_id',
        'member.role',
        'member.name as member_name',
        'unit.bloc_id',
      ])
      .where('device.id', '=', deviceId)
      .executeTakeFirst()
    if (!row) throw notFound('device')
    assertManages(manager, managedOf({ ...row, id: row.member_id }), 'device', NOT_YOURS)
    const revokedAt = row.revoked_at ?? now.toISOString()
    await trx.updateTable('device').set({ revoked_at: revokedAt }).where('id', '=', deviceId).execute()
    await audit(trx, manager, 'device.revoke', row.unit_id, { device: row.name, member: row.member_name })
    return { id: row.id, memberId: row.member_id, name: row.name, enrolledAt: row.enrolled_at, revokedAt }
  })
}

/**
 * `POST /api/device/sign-out`: the phone's member hands the phone on ("Đăng xuất khỏi máy này").
 * Its token stops working at once, as when a manager revokes it; the phone has checked that
 * nothing of its member is unsent, and wipes its data once this is answered.
 */
export async function signOutDevice(db: Kysely<Database>, member: Member, deviceId: string, now = new Date()): Promise<Device> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('device').selectAll().where('id', '=', deviceId).executeTakeFirstOrThrow()
    const revokedAt = row.revoked_at ?? now.toISOString()
    await trx.updateTable('device').set({ revoked_at: revokedAt }).where('id', '=', deviceId).execute()
    const unit = await trx.selectFrom('unit').select('bloc_id').where('id', '=', member.unitId).executeTakeFirstOrThrow()
    await audit(trx, { id: member.id, blocId: unit.bloc_id }, 'device.sign_out', member.unitId, { device: row.name, member: member.name }, now)
    return { id: row.id, memberId: row.member_id, name: row.name, enrolledAt: row.enrolled_at, revokedAt }
  })
}
