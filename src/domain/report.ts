import type { Commitment, Covenant, Id } from './entities'
import { awaitsAnswer, type Review } from './review'
import { isIsoDate } from './validation'
import type { Problem } from './validation'

export const ENTRY_STATUSES = ['not_started', 'in_progress', 'done'] as const
export type EntryStatus = (typeof ENTRY_STATUSES)[number]

/** What a visit did for one commitment. `amount` only for `count` and `percent` commitments. */
export interface ReportEntry {
  commitmentId: Id
  status: EntryStatus
  amount: number | null
  note: string
}

export interface ReportLocation {
  latitude: number
  longitude: number
  /** Metres, as the phone reports it. */
  accuracy: number
  takenAt: string
}

/** A report's (or an exemplary case's) photo as the phone describes it: everything but its bytes. */
export interface PhotoInfo {
  id: Id
  /** The report it belongs to, or the exemplary case. */
  reportId: Id
  type: string
  size: number
  width: number
  height: number
  /** Hex SHA-256 of the photo's bytes: the endpoint checks it on upload. */
  sha256: string
  caption: string
  /** When the picture was taken, if the file said, else when it was added. */
  takenAt: string
  location: ReportLocation | null
  createdAt: string
  /** Where and when the camera says it took the picture (EXIF); absent for photos stored before they were read. */
  capturedAt?: string | null
  capturedLatitude?: number | null
  capturedLongitude?: number | null
  /** The picture's difference hash, to find it again in other reports. */
  fingerprint?: string
}

export const REPORT_STATES = ['draft', 'queued', 'sending', 'accepted', 'rejected'] as const
/**
 * `draft` → `queued` (waiting to be pushed) → `sending` (the endpoint has the report, its
 * photos are on their way) → `accepted` (the endpoint has everything), or `rejected` with a
 * reason: the cadre can fix it and send it again.
 */
export type ReportState = (typeof REPORT_STATES)[number]

/** The endpoint's proof that it holds the report: a number a cadre can read out, and when. */
export interface ReportReceipt {
  number: string
  committedAt: string
}

/** Why the endpoint refused a report: its `code`, and a `reason` in words a cadre understands. */
export interface ReportRejection {
  code: string
  reason: string
}

/** Báo cáo kết quả: one visit by a member to one commune. */
export interface Report {
  /** Made on the phone (UUID), so the same report sent twice is stored once. */
  id: Id
  unitId: Id
  communeId: Id
  authorId: Id
  covenantId: Id
  /** Ngày đi cơ sở, `yyyy-MM-dd`. */
  visitDate: string
  /** `HH:mm`, or empty. */
  visitTime: string
  summary: string
  location: ReportLocation | null
  entries: ReportEntry[]
  photoIds: Id[]
  state: ReportState
  rejection: ReportRejection | null
  /** Set once the endpoint has stored a revision of this report. */
  receipt: ReportReceipt | null
  /** The latest review by the unit's lead or the bloc, as the last pull brought it; absent before any. */
  review?: Pick<Review, 'status' | 'comment' | 'reviewerName' | 'at' | 'revision'>
  /** Goes up by one with every saved change. */
  revision: number
  createdAt: string
  updatedAt: string
}

/**
 * `maxAmount`: no real figure reaches it (money amounts reach 10^12 đồng), and it keeps sums of
 * a year's amounts exact and finite.
 */
export const REPORT_LIMITS = { summaryLength: 5000, noteLength: 2000, maxPhotos: 20, poorAccuracyMetres: 100, maxAmount: 1e15 } as const

/**
 * Reports a cadre may still change: not yet sent, refused and to be fixed, or accepted and
 * corrected with a new revision, while `yearOpen` (its covenant signed, the evaluation not
 * begun) or, after that, when a reviewer sent it back for more.
 */
export function isEditable(report: Pick<Report, 'state' | 'review' | 'revision'>, yearOpen = false): boolean {
  if (report.state === 'draft' || report.state === 'queued' || report.state === 'rejected') return true
  return report.state === 'accepted' && (yearOpen || awaitsAnswer(report.review, report.revision))
}

/**
 * Reports a cadre may delete from the phone: a draft never sent, or one the endpoint refused
 * (what it accepted before, if anything, stays there). Nothing waiting to be sent is deleted.
 */
export function isDeletable(report: Pick<Report, 'state' | 'receipt'>): boolean {
  return (report.state === 'draft' && report.receipt === null) || report.state === 'rejected'
}

/** Reports whose sending may still be called off: queued, not yet on their way. */
export function isRecallable(report: Pick<Report, 'state'>): boolean {
  return report.state === 'queued'
}

/** Reports that count towards progress while the endpoint has not yet accepted them. */
export function isPending(report: Pick<Report, 'state'>): boolean {
  return report.state === 'queued' || report.state === 'sending'
}

/** An entry worth keeping: the cadre set a status other than "not started", an amount or a note. */
export function isTouched(entry: ReportEntry): boolean {
  return entry.status !== 'not_started' || entry.amount !== null || entry.note.trim() !== ''
}

/**
 * The rules a report must meet before it is queued ("Gửi"). A draft may break them. `today` is
 * the phone's date, `yyyy-MM-dd`: a visit cannot be in the future.
 */
/**
 * Whether a visit waits for its year's covenant: one made in a year after the covenant the
 * phone holds (a January visit before the new covenant is signed). It is kept as a draft and
 * sent once that covenant has come.
 */
export function waitsForCovenant(visitDate: string, covenant: Pick<Covenant, 'year'> | null): boolean {
  return covenant !== null && isIsoDate(visitDate) && Number(visitDate.slice(0, 4)) > covenant.year
}

/**
 * A report not yet held by the endpoint, moved onto the covenant of its visit's year once the
 * phone has it: the commitments it ticked that the new covenant still has are kept.
 */
export function onCovenant(report: Report, covenant: Pick<Covenant, 'id' | 'year'>, commitments: readonly Pick<Commitment, 'id'>[]): Report {
  if (report.covenantId === covenant.id || report.receipt !== null || Number(report.visitDate.slice(0, 4)) !== covenant.year) return report
  const ids = new Set(commitments.map((item) => item.id))
  return { ...report, covenantId: covenant.id, entries: report.entries.filter((entry) => ids.has(entry.commitmentId)) }
}

export function checkReport(report: Report, commitments: readonly Commitment[], today: string): Problem[] {
  const problems: Problem[] = []
  if (!isIsoDate(report.visitDate)) problems.push({ field: 'visitDate', rule: 'date' })
  else if (report.visitDate > today) problems.push({ field: 'visitDate', rule: 'future' })
  if (report.visitTime !== '' && !/^([01]\d|2[0-3]):[0-5]\d$/.test(report.visitTime)) problems.push({ field: 'visitTime', rule: 'time' })
  if (report.summary.trim() === '') problems.push({ field: 'summary', rule: 'required' })
  if (report.summary.length > REPORT_LIMITS.summaryLength) problems.push({ field: 'summary', rule: 'tooLong' })
  if (report.photoIds.length > REPORT_LIMITS.maxPhotos) problems.push({ field: 'photos', rule: 'tooMany' })

  const byId = new Map(commitments.map((item) => [item.id, item]))
  const touched = report.entries.filter(isTouched)
  if (touched.length === 0) problems.push({ field: 'entries', rule: 'required' })
  for (const entry of touched) {
    const field = `entries.${entry.commitmentId}`
    const item = byId.get(entry.commitmentId)
    if (!item) {
      problems.push({ field, rule: 'unknown' })
      continue
    }
    if (entry.note.length > REPORT_LIMITS.noteLength) problems.push({ field, rule: 'tooLong' })
    if (item.measure === 'done') {
      if (entry.amount !== null) problems.push({ field, rule: 'notForDone' })
    } else if (entry.amount !== null) {
      if (!Number.isFinite(entry.amount) || entry.amount < 0 || entry.amount > REPORT_LIMITS.maxAmount) problems.push({ field, rule: 'amount' })
      else if (item.measure === 'count' && !Number.isInteger(entry.amount)) problems.push({ field, rule: 'wholeNumber' })
      else if (item.measure === 'percent' && entry.amount > 100) problems.push({ field, rule: 'percent' })
    } else if (entry.status === 'done' || entry.status === 'in_progress') {
      problems.push({ field, rule: 'amountRequired' })
    }
  }
  return problems
}

/** Commitments in the order a report form shows them: those counted per commune first; retired ones not at all. */
export function commitmentsForReport(items: readonly Commitment[]): Commitment[] {
  return items.filter((item) => !item.retiredAt).sort((a, b) => (a.scope === b.scope ? a.order - b.order : a.scope === 'commune' ? -1 : 1))
}
