import type { Generated } from 'kysely'

/** Tables of the endpoint's database, as Kysely sees them. One interface per table. */
export interface Database {
  meta: MetaTable
  revision: RevisionTable
  bloc: BlocTable
  unit: UnitTable
  commune: CommuneTable
  assignment: AssignmentTable
  covenant: CovenantTable
  commitment: CommitmentTable
  member: MemberTable
  device: DeviceTable
  session: SessionTable
  enrollment_code: EnrollmentCodeTable
}

export interface MetaTable {
  key: string
  value: string
  updated_at: Generated<string>
}

export interface RevisionTable {
  id: number
  value: number
}

export interface BlocTable {
  id: string
  name: string
  province: string
  head_unit_id: string | null
  deputy_unit_id: string | null
  rev: number
}

export interface UnitTable {
  id: string
  bloc_id: string
  name: string
  short_name: string
  rev: number
}

export interface CommuneTable {
  id: string
  name: string
  district: string
  province: string
  rev: number
}

export interface AssignmentTable {
  unit_id: string
  commune_id: string
  year: number
  rev: number
}

export interface CovenantTable {
  id: string
  bloc_id: string
  year: number
  slogan: string
  status: 'draft' | 'signed' | 'closed'
  signed_at: string | null
  rev: number
}

export interface CommitmentTable {
  id: string
  covenant_id: string
  group_name: string
  position: number
  title: string
  description: string
  measure: 'done' | 'count' | 'percent'
  target: number | null
  unit_label: string
  max_points: number
  scope: 'unit' | 'commune'
  rev: number
}

export interface MemberTable {
  id: string
  unit_id: string
  name: string
  role: 'cadre' | 'lead' | 'admin'
  title: string
  username: string | null
  password_hash: string | null
  created_at: Generated<string>
  rev: number
}

export interface DeviceTable {
  id: string
  member_id: string
  name: string
  token_hash: string
  enrolled_at: Generated<string>
  revoked_at: string | null
  last_seen_at: string | null
}

export interface SessionTable {
  token_hash: string
  member_id: string
  created_at: Generated<string>
  expires_at: string
  revoked_at: string | null
}

export interface EnrollmentCodeTable {
  code_hash: string
  member_id: string
  created_by: string | null
  created_at: Generated<string>
  expires_at: string
  used_at: string | null
  device_id: string | null
  /** The phone's id for the attempt that used the code, so that it may retry a lost answer. */
  request_id: string | null
}
