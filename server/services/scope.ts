import type { Member } from '../../src/domain'
import { ERROR_CODES } from '../../src/protocol'
import { AccessError } from './access'

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
  if (asked !== undefined && asked !== own) throw new AccessError(403, ERROR_CODES.forbidden, 'A unit lead sees only their own unit')
  return own
}

/** Refuse unless the manager may act on `unitId`. */
export function assertUnit(manager: Member, unitId: string): void {
  scopedUnit(manager, unitId)
}

/** Refuse unless the manager is the bloc's admin: setting up the bloc and its covenant is theirs alone. */
export function assertAdmin(manager: Member): void {
  if (manager.role !== 'admin') throw new AccessError(403, ERROR_CODES.forbidden, 'Only the bloc admin may do this')
}
