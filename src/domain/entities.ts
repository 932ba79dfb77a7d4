/**
 * The covenant's entities, as both the phone and the endpoint hold them. Ids are UUID strings;
 * dates are ISO 8601 strings (`2026-02-14` for a day, `2026-02-14T08:30:00.000Z` for a moment).
 */

export type Id = string

/** Khối thi đua: agencies of similar function in a province that sign a covenant each year. */
export interface Bloc {
  id: Id
  name: string
  province: string
  /** Đơn vị Trưởng khối, which drafts the plan and runs the year-end review. */
  headUnitId: Id | null
  /** Đơn vị Phó khối. */
  deputyUnitId: Id | null
}

/** Đơn vị thành viên. */
export interface Unit {
  id: Id
  blocId: Id
  name: string
  /** Short form used where space is tight, such as "Ban Tổ chức". */
  shortName: string
}

/** Xã khó khăn that a unit may be assigned to help. */
export interface Commune {
  id: Id
  name: string
  district: string
  province: string
}

/** Phân công phụ trách: a commune a unit helps in a covenant year. */
export interface Assignment {
  unitId: Id
  communeId: Id
  year: number
}

export const COVENANT_STATUSES = ['draft', 'signed', 'evaluating', 'closed'] as const
/**
 * `draft` → `signed` (reports count against it) → `evaluating` (the year's end: units assess
 * themselves and the bloc scores them; phones still send that year's visits) → `closed` (nothing
 * changes any more).
 */
export type CovenantStatus = (typeof COVENANT_STATUSES)[number]

/** Giao ước thi đua: one per bloc per year. */
export interface Covenant {
  id: Id
  blocId: Id
  year: number
  slogan: string
  status: CovenantStatus
  /** Ngày ký kết, set when the covenant is signed. */
  signedAt: string | null
}

export const MEASURES = ['done', 'count', 'percent'] as const
/** How a commitment is measured: done or not, a count against a target, or a percentage. */
export type Measure = (typeof MEASURES)[number]

export const SCOPES = ['unit', 'commune'] as const
/** `unit`: the unit as a whole; `commune`: for each assigned commune. */
export type Scope = (typeof SCOPES)[number]

/** Nội dung giao ước / tiêu chí thi đua. */
export interface Commitment {
  id: Id
  covenantId: Id
  /** Nhóm tiêu chí, such as "Cải cách hành chính". */
  group: string
  /** Position in the covenant, from 1. */
  order: number
  title: string
  description: string
  measure: Measure
  /** Chỉ tiêu: a count or a percentage; null for `done`. */
  target: number | null
  /** Đơn vị tính: "lượt", "hộ", "buổi", "%"; empty for `done`. */
  unitLabel: string
  maxPoints: number
  scope: Scope
  /**
   * Set when the commitment was withdrawn from a signed covenant: it is never deleted, so the
   * reports made against it keep their meaning, but new reports no longer offer it.
   */
  retiredAt: string | null
}

export const ROLES = ['cadre', 'lead', 'admin'] as const
/** `cadre`: reports from the field; `lead`: runs a unit; `admin`: the bloc secretariat. */
export type Role = (typeof ROLES)[number]

export interface Member {
  id: Id
  unitId: Id
  name: string
  role: Role
  /** Chức vụ, such as "Chuyên viên". */
  title: string
}

/**
 * Who signs in to the dashboard: a bloc's lead or admin, or someone of the province's emulation
 * office (role `province`), who reads every bloc and belongs to no unit.
 */
export interface SignedInMember extends Omit<Member, 'unitId' | 'role'> {
  unitId: Id | null
  role: Role | 'province'
}

/** A phone enrolled for a member. */
export interface Device {
  id: Id
  memberId: Id
  name: string
  enrolledAt: string
  revokedAt: string | null
}
