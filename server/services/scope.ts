import type { Member } from '../../src/domain'
import { forbidden } from './errors'

/**
 * What a signed-in manager may see and change: the admin (the bloc's secretariat) the whole
 * bloc, a lead only their own unit. Every dashboard route asks here, whatever the app shows.
 */

/** The one unit a manager is limited to, or null for the admin, who sees every unit. */
export function unitScope(manager: Member): string | null {
  return manager.role === 'admin' ? null : manager.unitId
}

/** The unit to work on: the one asked for, refused when it is not the manager's; the lead's own when none is asked. */
export function scopedUnit(manager: Member, asked: string | undefined): string | null {
  const own = unitScope(manager)
  if (own === null) return asked ?? null
  if (asked !== undefined && asked !== own) throw forbidden('A unit lead sees only their own unit')
  return own
}

/** Refuse unless the manager may act on `unitId`. */
export function assertUnit(manager: Member, unitId: string): void {
  scopedUnit(manager, unitId)
}

/** Refuse unless the manager is the bloc's admin: setting up the bloc and its covenant is theirs alone. */
export function assertAdmin(manager: Member): void {
  if (manager.role !== 'admin') throw forbidden('Only the bloc admin may do this')
}

/** An admin acts for everyone in the bloc; a lead for themselves and the cadres of their own unit. */
export function mayManage(manager: Member, target: { id: string; unitId: string; role: Member['role'] }): boolean {
  if (manager.role === 'admin') return true
  if (manager.role !== 'lead') return false
  return target.id === manager.id || (target.role === 'cadre' && target.unitId === manager.unitId)
}
