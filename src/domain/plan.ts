import type { Commitment, Commune, Id } from './entities'
import { paceOf, progressOf, yearElapsed, type HeldFigure } from './progress'
import type { Report } from './report'

/** A commune not visited for this many days is due a visit. */
export const QUIET_DAYS = 60
/** A report still unsent after this many days needs the cadre: a draft to finish, a queue that will not go. */
export const STALE_DAYS = 3

const DAY_MS = 24 * 60 * 60 * 1000
const daysBetween = (from: string, to: Date) => Math.max(0, Math.floor((to.getTime() - new Date(from).getTime()) / DAY_MS))

/** A report on the phone the endpoint does not hold as it stands. */
export interface UnsentItem {
  report: Report
  /** `refused`: to fix; `draft`: to finish and send; `waiting`: queued, not gone for days. */
  kind: 'refused' | 'draft' | 'waiting'
  /** Days since it was last changed. */
  days: number
}

/** A commune due a visit: never visited on this covenant, or not for `QUIET_DAYS`. */
export interface QuietCommune {
  commune: Commune
  /** The unit's latest visit there, `yyyy-MM-dd`; null if none this year. */
  lastVisit: string | null
  days: number | null
}

/** The commune-scoped commitments behind pace in one commune. */
export interface BehindInCommune {
  commune: Commune
  items: { commitment: Commitment; ratio: number }[]
}

export interface VisitPlan {
  unsent: UnsentItem[]
  quiet: QuietCommune[]
  behind: BehindInCommune[]
}

export interface PlanInput {
  now: Date
  /** The covenant's year; null without a covenant. */
  year: number | null
  communes: readonly Commune[]
  commitments: readonly Commitment[]
  /** The member's own reports on the phone, whatever their state. */
  reports: readonly Report[]
  held: readonly HeldFigure[]
  /** The unit's latest visit to each commune, as the endpoint holds them. */
  lastVisits: readonly { communeId: Id; date: string }[]
}

/**
 * "Cần làm", a cadre's visit plan: reports to fix, finish or get sent (refused first, then the
 * oldest), communes longest without a visit, and per commune the commitments behind the pace of
 * the year.
 */
export function visitPlan({ now, year, communes, commitments, reports, held, lastVisits }: PlanInput): VisitPlan {
  const unsent: UnsentItem[] = []
  for (const report of reports) {
    const days = daysBetween(report.updatedAt, now)
    if (report.state === 'rejected') unsent.push({ report, kind: 'refused', days })
    else if (report.state === 'draft') unsent.push({ report, kind: 'draft', days })
    else if ((report.state === 'queued' || report.state === 'sending') && days >= STALE_DAYS) unsent.push({ report, kind: 'waiting', days })
  }
  const rank = { refused: 0, draft: 1, waiting: 1 }
  unsent.sort((a, b) => rank[a.kind] - rank[b.kind] || b.days - a.days)

  const latest = new Map<Id, string>()
  const seen = (communeId: Id, date: string) => {
    if (date > (latest.get(communeId) ?? '')) latest.set(communeId, date)
  }
  for (const visit of lastVisits) seen(visit.communeId, visit.date)
  for (const report of reports) if (report.state !== 'draft' && report.state !== 'rejected') seen(report.communeId, report.visitDate)
  const quiet = communes
    .map((commune): QuietCommune => {
      const lastVisit = latest.get(commune.id) ?? null
      return { commune, lastVisit, days: lastVisit === null ? null : daysBetween(`${lastVisit}T00:00:00`, now) }
    })
    .filter((row) => row.days === null || row.days >= QUIET_DAYS)
    .sort((a, b) => (b.days ?? Infinity) - (a.days ?? Infinity))

  const elapsed = year === null ? 0 : yearElapsed(year, now)
  const perCommune = commitments.filter((item) => item.scope === 'commune' && !item.retiredAt && item.measure !== 'done')
  const behind = communes
    .map((commune): BehindInCommune => {
      const progress = progressOf(perCommune, reports, { communeId: commune.id }, held)
      const items = perCommune.flatMap((commitment) => {
        const ratio = progress.get(commitment.id)?.ratio ?? null
        return ratio !== null && paceOf(commitment, ratio, elapsed) === 'behind' ? [{ commitment, ratio }] : []
      })
      return { commune, items }
    })
    .filter((row) => row.items.length > 0)

  return { unsent, quiet, behind }
}

/** How many items of the plan want the cadre now: a reminder's count. */
export function dueCount(plan: VisitPlan): number {
  return plan.unsent.filter((item) => item.kind === 'refused' || item.days >= STALE_DAYS).length + plan.quiet.length
}

/**
 * Whether to ask the cadre to save their unsent work to a file: some of it is `STALE_DAYS` old
 * and nothing has reached the endpoint for as long (or ever), so a lost or wiped phone would
 * take days of work with it.
 */
export function needsRescueFile(plan: VisitPlan, lastSyncAt: string | null, now: Date): boolean {
  const stale = plan.unsent.some((item) => item.days >= STALE_DAYS)
  return stale && (lastSyncAt === null || daysBetween(lastSyncAt, now) >= STALE_DAYS)
}
