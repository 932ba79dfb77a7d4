import type { Id } from './entities'
import type { ReportReceipt, ReportRejection, ReportState } from './report'
import { checkName, LIMITS, type Problem } from './validation'

/**
 * An exemplary collective or individual (điển hình tiên tiến) a cadre met during the year and
 * puts forward from the phone, offline if need be, with a short story and photos. It travels
 * like a report: made on the phone with its own id, queued in the same outbox, stored once
 * however often it is sent, its photos uploaded by tus. Leads and the admin then see, edit and
 * include it in the year's proposals for commendation.
 */
export const EXEMPLAR_KINDS = ['individual', 'collective'] as const
export type ExemplarKind = (typeof EXEMPLAR_KINDS)[number]

export const EXEMPLAR_LIMITS = { storyLength: 5000, maxPhotos: 10 } as const

export interface Exemplar {
  /** Made on the phone (UUID), so the same proposal sent twice is stored once. */
  id: Id
  unitId: Id
  authorId: Id
  /** The covenant year it is put forward in: the one the phone follows when it is written. */
  covenantId: Id
  kind: ExemplarKind
  /** The person's or the collective's name. */
  nominee: string
  /** Where they work and what they do: "Trưởng thôn Nà Lừa, xã Sơn Vĩ". */
  role: string
  story: string
  photoIds: Id[]
  /** The same states as a report's: a draft, queued, sending its photos, accepted, or refused with a reason. */
  state: ReportState
  rejection: ReportRejection | null
  receipt: ReportReceipt | null
  revision: number
  createdAt: string
  updatedAt: string
}

/** What a proposal must hold to be sent: a name and a story, within the limits. */
export function checkExemplar(exemplar: Pick<Exemplar, 'kind' | 'nominee' | 'role' | 'story' | 'photoIds'>): Problem[] {
  const problems: Problem[] = checkName('nominee', exemplar.nominee)
  if (exemplar.role.trim().length > LIMITS.nameLength) problems.push({ field: 'role', rule: 'tooLong' })
  if (!(EXEMPLAR_KINDS as readonly string[]).includes(exemplar.kind)) problems.push({ field: 'kind', rule: 'oneOf' })
  if (exemplar.story.trim() === '') problems.push({ field: 'story', rule: 'required' })
  if (exemplar.story.length > EXEMPLAR_LIMITS.storyLength) problems.push({ field: 'story', rule: 'tooLong' })
  if (exemplar.photoIds.length > EXEMPLAR_LIMITS.maxPhotos) problems.push({ field: 'photos', rule: 'tooMany' })
  return problems
}

/** A proposal the cadre may still change: not yet sent, or refused and to be fixed. Once held, the lead edits it on the dashboard. */
export function isExemplarEditable(exemplar: Pick<Exemplar, 'state'>): boolean {
  return exemplar.state === 'draft' || exemplar.state === 'queued' || exemplar.state === 'rejected'
}
