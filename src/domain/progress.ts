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
  /** 0…1 against the target, accepted and pending together; null without a target. */
  ratio: number | null
}

export interface ProgressScope {
  /** Only reports about this commune; all the unit's reports when absent. */
  communeId?: Id
}

/**
 * Progress of each commitment from reports, per unit (all its reports) or per commune. Drafts
 * and rejected reports do not count; pending ones (queued, sending) are counted apart.
 */
export function progressOf(commitments: readonly Commitment[], reports: readonly Report[], scope: ProgressScope = {}): Map<Id, Progress> {
  const result = new Map<Id, Progress>()
  for (const item of commitments) {
    result.set(item.id, {
      commitmentId: item.id,
      accepted: 0,
      pending: 0,
      doneAccepted: false,
      donePending: false,
      reports: { accepted: 0, pending: 0 },
      ratio: null,
    })
  }
  const byId = new Map(commitments.map((item) => [item.id, item]))
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
      } else if (entry.amount !== null) {
        progress[bucket] = item.measure === 'percent' ? Math.max(progress[bucket], entry.amount) : progress[bucket] + entry.amount
      }
    }
  }
  for (const item of commitments) {
    const progress = result.get(item.id)
    if (!progress) continue
    if (item.measure === 'done') progress.ratio = progress.doneAccepted || progress.donePending ? 1 : 0
    else if (item.target) {
      const reached = item.measure === 'percent' ? Math.max(progress.accepted, progress.pending) : progress.accepted + progress.pending
      progress.ratio = Math.min(1, reached / item.target)
    }
  }
  return result
}
