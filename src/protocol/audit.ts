import { Type, type Static } from '@sinclair/typebox'
import { closed, Id, IsoDateTime, oneOf } from './common'
import { EXPORT_FILES } from './constants'

/** What the audit log records: every change a lead or the admin makes, every export, and the blocs the province creates. */
export const AUDIT_ACTIONS = [
  'bloc.update',
  'unit.create',
  'unit.update',
  'commune.create',
  'commune.update',
  'assignments.update',
  'covenant.create',
  'covenant.update',
  'covenant.status',
  'commitment.create',
  'commitment.update',
  'commitment.delete',
  'commitment.retire',
  'member.create',
  'member.update',
  'enrollment.create',
  'enrollment.revoke',
  'device.revoke',
  'device.sign_out',
  'report.review',
  'report.remove',
  'photo.remove',
  'export',
  'evaluation.rules',
  'evaluation.self',
  'evaluation.submit',
  'evaluation.return',
  'evaluation.bloc',
  'evaluation.votes',
  'evaluation.publish',
  'evaluation.proposal',
  'exemplar.edit',
  'demo.remove',
  'rescue.upload',
  'bloc.create',
] as const
export type AuditAction = (typeof AUDIT_ACTIONS)[number]

/** Facts of an action, for the log to show: names and values, never secrets. */
export const AuditDetails = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]))
export type AuditDetails = Static<typeof AuditDetails>

export const AuditEntry = Type.Object(
  {
    id: Type.Integer(),
    at: IsoDateTime,
    actorId: Id,
    actorName: Type.String(),
    /** The unit the action concerns; null for the bloc as a whole. */
    unitId: Type.Union([Id, Type.Null()]),
    unitName: Type.Union([Type.String(), Type.Null()]),
    action: oneOf(AUDIT_ACTIONS),
    details: AuditDetails,
  },
  closed,
)
export type AuditEntry = Static<typeof AuditEntry>

/** `GET /api/audit`: newest first. The admin reads all of it, a lead what concerns their unit. */
export const AuditQuery = Type.Object(
  { offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) },
  closed,
)
export type AuditQuery = Static<typeof AuditQuery>
export const AuditResponse = Type.Object({ total: Type.Integer({ minimum: 0 }), entries: Type.Array(AuditEntry) }, closed)
export type AuditResponse = Static<typeof AuditResponse>

/** `GET /api/export/:file`: one year's reports, entries and progress, for Excel. */
export const ExportParams = Type.Object({ file: oneOf(EXPORT_FILES) }, closed)
