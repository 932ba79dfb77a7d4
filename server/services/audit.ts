import type { Kysely, Transaction } from 'kysely'
import type { AuditAction, AuditDetails, AuditEntry, AuditQuery, AuditResponse } from '../../src/protocol'
import type { Database } from '../db/schema'
import { unitScope, type Manager } from './scope'

/**
 * Record what a lead or the admin did, in the transaction of the change itself: the entry and
 * the change are committed together or not at all.
 */
export async function audit(
  trx: Transaction<Database>,
  actor: { id: string; blocId: string | null },
  action: AuditAction,
  unitId: string | null,
  details: AuditDetails,
  now = new Date(),
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({ at: now.toISOString(), actor_id: actor.id, bloc_id: actor.blocId, unit_id: unitId, action, details: JSON.stringify(details) })
    .execute()
}

/** `GET /api/audit`: newest first; the admin reads the bloc's entries, a lead what concerns their own unit. */
export async function listAudit(db: Kysely<Database>, manager: Manager, page: AuditQuery): Promise<AuditResponse> {
  const unitId = unitScope(manager)
  let query = db.selectFrom('audit_log').where('audit_log.bloc_id', '=', manager.blocId)
  if (unitId) query = query.where('audit_log.unit_id', '=', unitId)
  const { total } = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const rows = await query
    .innerJoin('member', 'member.id', 'audit_log.actor_id')
    .leftJoin('unit', 'unit.id', 'audit_log.unit_id')
    .select([
      'audit_log.id',
      'audit_log.at',
      'audit_log.actor_id',
      'audit_log.unit_id',
      'audit_log.action',
      'audit_log.details',
      'member.name as actor_name',
      'unit.name as unit_name',
    ])
    .orderBy('audit_log.id', 'desc')
    .offset(page.offset ?? 0)
    .limit(page.limit ?? 50)
    .execute()
  const entries = rows.map((row): AuditEntry => ({
    id: row.id,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    unitId: row.unit_id,
    unitName: row.unit_name,
    action: row.action as AuditAction,
    details: JSON.parse(row.details) as AuditDetails,
  }))
  return { total, entries }
}
