import type { Member } from '../../src/domain'
import type { Db } from '../db/schema'
import { forbidden, notFound } from './errors'
import { blocOfUnit } from './reference'

/**
 * What a signed-in manager may see and change: the admin (the bloc's secretariat) the whole
 * bloc, a lead only their own unit, neither anything of another bloc. Every dashboard route asks
 * here, whatever the app shows. The province's emulation office has routes of its own
 * (`services/province.ts`) and none of these.
 */

/** A signed-in lead or admin, with the bloc their unit belongs to. */
export interface Manager extends Member {
  blocId: string
}

/** The one unit a manager is limited to, or null for the admin, who sees every unit of the bloc. */
export function unitScope(manager: Manager): string | null {
  return manager.role === 'admin' ? null : manager.unitId
}

/**
 * The unit to work on: the one asked for, refused when it is not the manager's (another bloc's
 * as though it did not exist); the lead's own when none is asked, null (the whole bloc) for the admin.
 */
export async function scopedUnit(db: Db, manager: Manager, asked: string | undefined): Promise<string | null> {
  if (asked !== undefined) assertBloc(manager, await blocOfUnit(db, asked), 'unit')
  const own = unitScope(manager)
  if (own === null) return asked ?? null
  if (asked !== undefined && asked !== own) throw forbidden('A unit lead sees only their own unit')
  return own
}

/** Refuse unless the manager may act on `unitId`, a unit of `blocId`. */
export function assertUnit(manager: Manager, unitId: string, blocId: string | null | undefined): void {
  assertBloc(manager, blocId, 'unit')
  if (unitScope(manager) !== null && unitId !== manager.unitId) throw forbidden('A unit lead sees only their own unit')
}

/**
 * Refuse what belongs to another bloc (or to none) as though it did not exist: a bloc's managers
 * learn nothing of another bloc, not even which ids it uses.
 */
export function assertBloc(manager: Manager, blocId: string | null | undefined, what: string): void {
  if (blocId !== manager.blocId) throw notFound(what)
}

/** Refuse unless the manager is the bloc's admin: setting up the bloc and its covenant is theirs alone. */
export function assertAdmin(manager: Manager): void {
  if (manager.role !== 'admin') throw forbidden('Only the bloc admin may do this')
}

/** Someone a manager may act for: a member of a unit of some bloc (`blocId` null for the province's office, whom no bloc manages). */
export interface Managed {
  id: string
  unitId: string | null
  blocId: string | null
  role: Member['role'] | 'province'
}

/**
 * Refuse unless the manager may act for `target`: someone of another bloc, or the province's
 * office, as though they did not exist (404 `what`); someone of the bloc they may not manage
 * with 403 `refusal`.
 */
export function assertManages(manager: Manager, target: Managed, what: string, refusal: string): void {
  assertBloc(manager, target.role === 'province' ? null : target.blocId, what)
  if (!mayManage(manager, target)) throw forbidden(refusal)
}

/** An admin acts for everyone in the bloc; a lead for themselves and the cadres of their own unit. */
export function mayManage(manager: Manager, target: Managed): boolean {
  if (target.blocId !== manager.blocId || target.role === 'province') return false
  if (manager.role === 'admin') return true
  if (manager.role !== 'lead') return false
  return target.id === manager.id || (target.role === 'cadre' && target.unitId === manager.unitId)
}
