import type { Commitment, Id } from './entities'
import { isPending, type Report } from './report'

/** How far a commitment has come: from accepted reports, and from those still waiting to be sent. */
export interface Progress {
  commitmentId: Id
  /** Sum of amounts (`count`, `percent`: the highest reported, since a percentage is a level, not an increment). */
  accepted: number
  pending: number
  /** For `done`: whether a report marked it done. */
  doneAccepted: boolean
  donePending: boolean
  /** Reports that touched this commitment. */
  reports: { accepted: number; pending: number }
  /** The target for the scope (`targetFor`): per commune, or over all the unit's communes. */
  target: number | null
  /** 0…1 against the target, accepted and pending together; null without a target. */
  ratio: number | null
}

export interface ProgressScope {
  /** Only reports about this commune; all the unit's reports when absent. */
  communeId?: Id
  /**
   * For the unit as a whole: how many communes it is assigned. A commune-scoped commitment's
   * target holds for each commune, so the unit's target is that many times it.
   */
  communes?: number
  /**
   * For the unit as a whole: the communes it is assigned (their count then stands for
   * `communes`). A commune-scoped commitment is then met commune by commune: each counts up to
   * its own target, so four visits to one commune do not make up for none in another.
   */
  communeIds?: readonly Id[]
}

/** What a report brings to progress. */
export type CountedReport = Pick<Report, 'state' | 'communeId' | 'entries'>

/**
 * What the endpoint holds for one commitment in one commune from the reports of the unit's
 * other members, as a pull gives it: added to a phone's own reports, the unit's real progress.
 */
export interface HeldFigure {
  communeId: Id
  commitmentId: Id
  /** Reports that touched the commitment there. */
  reports: number
  /** Their amounts: the sum for a count, the highest for a percentage; null when none gave one. */
  amount: number | null
  /** Whether one of them marked it done. */
  done: boolean
}

/** A commitment's target for the scope: per commune, or for the unit over all its communes. */
export function targetFor(item: Pick<Commitment, 'target' | 'scope'>, scope: ProgressScope = {}): number | null {
  if (item.target === null) return null
  const communes = scope.communeIds?.length ?? scope.communes
  return item.scope === 'commune' && scope.communeId === undefined && communes !== undefined ? item.target * Math.max(1, communes) : item.target
}

/**
 * Progress of each commitment from reports, per unit (all its reports) or per commune. Drafts
 * and rejected reports do not count; pending ones (queued, sending) are counted apart. `held`
 * adds what the endpoint holds from others' reports, as accepted.
 */
export function progressOf(commitments: readonly Commitment[], reports: readonly CountedReport[], scope: ProgressScope = {}, held: readonly HeldFigure[] = []): Map<Id, Progress> {
  const result = new Map<Id, Progress>()
  for (const item of commitments) {
    result.set(item.id, {
      commitmentId: item.id,
      accepted: 0,
      pending: 0,
      doneAccepted: false,
      donePending: false,
      reports: { accepted: 0, pending: 0 },
      target: targetFor(item, scope),
      ratio: null,
    })
  }
  const byId = new Map(commitments.map((item) => [item.id, item]))
  // Commune by commune, for the commune-scoped commitments of a unit whose communes are known.
  const perCommune = new Map<Id, Map<Id, { accepted: number; pending: number }>>()
  const byCommune = scope.communeId === undefined && scope.communeIds !== undefined && scope.communeIds.length > 0
  const count = (item: Commitment, progress: Progress, communeId: Id, bucket: 'accepted' | 'pending', amount: number) => {
    progress[bucket] = add(item, progress[bucket], amount)
    if (byCommune && item.scope === 'commune') {
      const communes = perCommune.get(item.id) ?? new Map<Id, { accepted: number; pending: number }>()
      const reached = communes.get(communeId) ?? { accepted: 0, pending: 0 }
      reached[bucket] = add(item, reached[bucket], amount)
      perCommune.set(item.id, communes.set(communeId, reached))
    }
  }
  for (const figure of held) {
    const item = byId.get(figure.commitmentId)
    const progress = result.get(figure.commitmentId)
    if (!item || !progress || (scope.communeId !== undefined && figure.communeId !== scope.communeId)) continue
    progress.reports.accepted += figure.reports
    if (item.measure === 'done') progress.doneAccepted ||= figure.done
    else if (figure.amount !== null) count(item, progress, figure.communeId, 'accepted', figure.amount)
  }
  for (const report of reports) {
    const pending = isPending(report)
    if (!pending && report.state !== 'accepted') continue
    if (scope.communeId !== undefined && report.communeId !== scope.communeId) continue
    for (const entry of report.entries) {
      const item = byId.get(entry.commitmentId)
      const progress = result.get(entry.commitmentId)
      if (!item || !progress || entry.status === 'not_started') continue
      const bucket = pending ? 'pending' : 'accepted'
      progress.reports[bucket] += 1
      if (item.measure === 'done') {
        if (entry.status === 'done') progress[pending ? 'donePending' : 'doneAccepted'] = true
      } else if (entry.amount !== null) count(item, progress, report.communeId, bucket, entry.amount)
    }
  }
  for (const item of commitments) {
    const progress = result.get(item.id)
    if (!progress) continue
    if (item.measure === 'done') progress.ratio = progress.doneAccepted || progress.donePending ? 1 : 0
    else if (byCommune && item.scope === 'commune' && item.target) {
      const target = item.target
      const shares = (scope.communeIds ?? []).map((communeId) => Math.min(1, reachedOf(item, perCommune.get(item.id)?.get(communeId) ?? { accepted: 0, pending: 0 }) / target))
      progress.ratio = shares.reduce((sum, share) => sum + share, 0) / shares.length
    } else if (progress.target) progress.ratio = Math.min(1, reachedOf(item, progress) / progress.target)
  }
  return result
}

/** A percentage is a level (the highest reported); a count adds up. */
const add = (item: Pick<Commitment, 'measure'>, sum: number, amount: number) => (item.measure === 'percent' ? Math.max(sum, amount) : sum + amount)
const reachedOf = (item: Pick<Commitment, 'measure'>, { accepted, pending }: { accepted: number; pending: number }) =>
  item.measure === 'percent' ? Math.max(accepted, pending) : accepted + pending

export const PACES = ['done', 'on_track', 'behind', 'not_due'] as const
/**
 * Where a commitment stands for the time of year: `done`; `on_track` when it has come at least
 * nine tenths as far as the year has; `behind` otherwise; `not_due` for a yes-or-no commitment
 * not yet done while the year runs, or one without a target.
 */
export type Pace = (typeof PACES)[number]

export function paceOf(item: Pick<Commitment, 'measure'>, ratio: number | null, elapsed: number): Pace {
  if (ratio === null) return 'not_due'
  if (ratio >= 1) return 'done'
  if (item.measure === 'done') return elapsed >= 1 ? 'behind' : 'not_due'
  return ratio >= elapsed * 0.9 ? 'on_track' : 'behind'
}

/** How much of the covenant's calendar year has passed at `now`, from 0 to 1. */
export function yearElapsed(year: number, now: Date): number {
  const start = Date.UTC(year, 0, 1)
  const end = Date.UTC(year + 1, 0, 1)
  return Math.min(1, Math.max(0, (now.getTime() - start) / (end - start)))
}
