import type { Kysely, Selectable } from 'kysely'
import type { Member, SignedInMember, Unit } from '../../src/domain'
import { ERROR_CODES } from '../../src/protocol'
import type { Database, Db, MemberTable } from '../db/schema'
import { Refusal, unauthorized } from './errors'
import { limiter, limitFailures } from './failures'
import { hashPassword, hashToken, newToken, TOKEN_PREFIX, verifyPassword } from './secrets'
import { memberWithBloc, toMember, toUnit } from './reference'
import type { Manager } from './scope'

/**
 * Who is calling: dashboard sessions (log in, log out) and the bearer tokens of sessions and
 * enrolled phones. Tokens are stored as SHA-256 hashes only, passwords as scrypt.
 */

export const SESSION_HOURS = 12
export const HOUR = 60 * 60 * 1000

/** Who is calling: an enrolled phone, a lead or admin signed in to the dashboard, or the province's emulation office. */
export type Caller = DeviceCaller | { kind: 'session'; tokenHash: string; member: Manager } | ProvinceCaller

/** Someone of the province's emulation office, signed in: above the blocs, in none of them. */
export interface ProvinceCaller {
  kind: 'province'
  tokenHash: string
  officer: { id: string; name: string; title: string }
}

/** An enrolled phone, and the member it is enrolled for. */
export interface DeviceCaller {
  kind: 'device'
  deviceId: string
  member: Member
}

/** A member with their unit, as enrollment answers them. */
export async function memberWithUnit(db: Db, row: Selectable<MemberTable>): Promise<{ member: Member; unit: Unit }> {
  const member = toMember(row)
  const unit = await db.selectFrom('unit').selectAll().where('id', '=', member.unitId).executeTakeFirstOrThrow()
  return { member, unit: toUnit(unit) }
}

/** Who signed in, as login answers it: a bloc's lead or admin with their unit, or the province's office with none. */
async function signedIn(db: Db, row: Selectable<MemberTable>): Promise<{ member: SignedInMember; unit: Unit | null }> {
  if (row.role === 'province') return { member: { id: row.id, unitId: null, name: row.name, role: row.role, title: row.title }, unit: null }
  return memberWithUnit(db, row)
}

// Checked when there is no real hash to check, so that an unknown name costs as long as a wrong password.
let decoyHash: Promise<string> | undefined

/** `POST /api/auth/login`. The same answer, in the same time, for an unknown name and a wrong password. */
export async function logIn(db: Kysely<Database>, username: string, password: string, now = new Date()) {
  const row = await db.selectFrom('member').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
  const usable = row?.password_hash != null && row.role !== 'cadre'
  decoyHash ??= hashPassword('decoy')
  const matches = await verifyPassword(password, usable ? (row.password_hash ?? '') : await decoyHash)
  if (!row || !usable || !matches) throw new Refusal(401, ERROR_CODES.badLogin, 'Wrong username or password')
  const token = newToken('session')
  const expiresAt = new Date(now.getTime() + SESSION_HOURS * HOUR).toISOString()
  await db
    .insertInto('session')
    .values({ token_hash: hashToken(token), member_id: row.id, expires_at: expiresAt, revoked_at: null })
    .execute()
  return { token, expiresAt, ...(await signedIn(db, row)) }
}

/**
 * `logIn` slowed against guessing, with counts of its own (one per app): five wrong passwords
 * for a name from one address, or thirty from one address, and it waits 15 minutes. Per name
 * from one address, so that a guesser elsewhere never locks the owner out of the networks they
 * use; per address whatever the name, so that one password tried across many names is slowed
 * as well, and a success there (the guesser's own account) does not wipe that count. A new
 * password (`npm run admin -- reset-password`, or one the admin sets) starts the name afresh.
 */
export function guardedLogIn(db: Kysely<Database>) {
  const perName = limiter(db, 'login-name', 5, HOUR / 4)
  const perAddress = limiter(db, 'login-address', 30, HOUR / 4)
  return async (ip: string, username: string, password: string) => {
    const name = username.trim().toLowerCase()
    const stored = await db.selectFrom('member').select('password_hash').where('username', '=', name).executeTakeFirst()
    // The end of the stored hash (its salt and digest change with every new password) marks which password the count is about.
    const version = stored?.password_hash?.slice(-12) ?? ''
    return limitFailures(
      [
        [perName, `${ip}|${name}|${version}`],
        [perAddress, ip, { keepOnSuccess: true }],
      ],
      'failed attempts',
      () => logIn(db, username, password),
    )
  }
}

/** `POST /api/auth/logout`: a session's token stops working; a device's is revoked only by a manager. */
export async function logOut(db: Kysely<Database>, caller: Caller | null, now = new Date()): Promise<void> {
  if (caller?.kind !== 'session' && caller?.kind !== 'province') return
  await db.updateTable('session').set({ revoked_at: now.toISOString() }).where('token_hash', '=', caller.tokenHash).where('revoked_at', 'is', null).execute()
}

/** Who a bearer token belongs to, or a 401 that says why not. */
export async function identify(db: Kysely<Database>, token: string | undefined, now = new Date()): Promise<Caller> {
  if (!token) throw unauthorized('An Authorization: Bearer token is required')
  const tokenHash = hashToken(token)
  if (token.startsWith(TOKEN_PREFIX.device)) {
    const device = await db.selectFrom('device').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (!device) throw unauthorized('This device token is not known')
    if (device.revoked_at) throw new Refusal(401, ERROR_CODES.deviceRevoked, 'This device has been revoked; enroll it again')
    const member = await db.selectFrom('member').selectAll().where('id', '=', device.member_id).executeTakeFirstOrThrow()
    await db.updateTable('device').set({ last_seen_at: now.toISOString() }).where('id', '=', device.id).execute()
    return { kind: 'device', deviceId: device.id, member: toMember(member) }
  }
  if (token.startsWith(TOKEN_PREFIX.session)) {
    const session = await db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (!session || session.revoked_at || session.expires_at <= now.toISOString()) {
      throw unauthorized('The session has ended; log in again')
    }
    const member = await memberWithBloc(db, session.member_id)
    if (!member) throw unauthorized('The session has ended; log in again')
    if (member.role === 'province') return { kind: 'province', tokenHash, officer: { id: member.id, name: member.name, title: member.title } }
    return { kind: 'session', tokenHash, member: { ...toMember(member), blocId: member.bloc_id ?? '' } }
  }
  throw unauthorized('This token is not known')
}
