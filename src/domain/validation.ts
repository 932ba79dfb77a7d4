import { COVENANT_STATUSES, MEASURES, ROLES, SCOPES, type Commitment, type Covenant, type CovenantStatus } from './entities'

/** One broken rule: which field, and a message key the app translates and the endpoint sends. */
export interface Problem {
  field: string
  rule: string
}

export const LIMITS = {
  nameLength: 200,
  deviceNameLength: 80,
  sloganLength: 500,
  titleLength: 300,
  descriptionLength: 2000,
  unitLabelLength: 20,
  maxPoints: 1000,
  maxCount: 1_000_000,
  firstYear: 2000,
  lastYear: 2100,
} as const

const isBlank = (text: string) => text.trim().length === 0

/** A name (of a member, a unit, a device…): not blank, not too long. */
export function checkName(field: string, value: string, maxLength: number = LIMITS.nameLength): Problem[] {
  if (isBlank(value)) return [{ field, rule: 'required' }]
  if (value.trim().length > maxLength) return [{ field, rule: 'tooLong' }]
  return []
}

export function isCovenantYear(year: number): boolean {
  return Number.isInteger(year) && year >= LIMITS.firstYear && year <= LIMITS.lastYear
}

/** The rules a covenant keeps in every state. */
export function checkCovenant(covenant: Pick<Covenant, 'year' | 'slogan' | 'status' | 'signedAt'>): Problem[] {
  const problems: Problem[] = []
  if (!isCovenantYear(covenant.year)) problems.push({ field: 'year', rule: 'year' })
  if (covenant.slogan.length > LIMITS.sloganLength) problems.push({ field: 'slogan', rule: 'tooLong' })
  if (!COVENANT_STATUSES.includes(covenant.status)) problems.push({ field: 'status', rule: 'oneOf' })
  if (covenant.status !== 'draft' && covenant.signedAt === null) problems.push({ field: 'signedAt', rule: 'required' })
  if (covenant.signedAt !== null && !isIsoDate(covenant.signedAt)) problems.push({ field: 'signedAt', rule: 'date' })
  return problems
}

/** A covenant only moves forward: draft → signed → closed. */
export function canMoveCovenant(from: CovenantStatus, to: CovenantStatus): boolean {
  return COVENANT_STATUSES.indexOf(to) === COVENANT_STATUSES.indexOf(from) + 1
}

/** The rules of one commitment: a target that fits its measure, points in range. */
export function checkCommitment(item: Omit<Commitment, 'id' | 'covenantId' | 'retiredAt'>): Problem[] {
  const problems: Problem[] = [...checkName('group', item.group), ...checkName('title', item.title, LIMITS.titleLength)]
  if (item.description.length > LIMITS.descriptionLength) problems.push({ field: 'description', rule: 'tooLong' })
  if (!Number.isInteger(item.order) || item.order < 1) problems.push({ field: 'order', rule: 'positiveInteger' })
  if (!MEASURES.includes(item.measure)) problems.push({ field: 'measure', rule: 'oneOf' })
  if (!SCOPES.includes(item.scope)) problems.push({ field: 'scope', rule: 'oneOf' })
  if (item.unitLabel.length > LIMITS.unitLabelLength) problems.push({ field: 'unitLabel', rule: 'tooLong' })
  if (!(item.maxPoints >= 0 && item.maxPoints <= LIMITS.maxPoints)) problems.push({ field: 'maxPoints', rule: 'range' })

  if (item.measure === 'done') {
    if (item.target !== null) problems.push({ field: 'target', rule: 'notForDone' })
  } else if (item.target === null) {
    problems.push({ field: 'target', rule: 'required' })
  } else if (item.measure === 'count' && !(Number.isInteger(item.target) && item.target > 0 && item.target <= LIMITS.maxCount)) {
    problems.push({ field: 'target', rule: 'positiveInteger' })
  } else if (item.measure === 'percent' && !(item.target > 0 && item.target <= 100)) {
    problems.push({ field: 'target', rule: 'percent' })
  }
  return problems
}

export function isRole(value: string): value is (typeof ROLES)[number] {
  return (ROLES as readonly string[]).includes(value)
}

/** `yyyy-MM-dd`, a real calendar day. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)
}

export const MEMBER_LIMITS = { passwordLength: 10 } as const

/**
 * A member as created or changed: a name, and for a lead or the admin (who sign in to the
 * dashboard) a username and a password, given now or set before (`hasPassword`).
 */
export function checkMember(member: { name: string; role: string; username: string | null }, hasPassword: boolean): Problem[] {
  const problems = checkName('name', member.name)
  if (!isRole(member.role)) problems.push({ field: 'role', rule: 'oneOf' })
  else if (member.role !== 'cadre') {
    if (!member.username) problems.push({ field: 'username', rule: 'required' })
    if (!hasPassword) problems.push({ field: 'password', rule: 'required' })
  }
  return problems
}
