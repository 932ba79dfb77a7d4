import { Dexie, type EntityTable } from 'dexie'
import type { Assignment, Bloc, Commitment, Commune, Covenant, Exemplar, Member, PhotoInfo, Report, Unit } from '@/domain'

/** A key–value row for facts about this installation (first start, last pull cursor, …). */
export interface MetaRow {
  key: string
  value: unknown
}

/** This phone's enrollment: one row, key `current`. The token is the phone's only credential. */
export interface EnrollmentRow {
  key: 'current'
  deviceId: string
  deviceName: string
  token: string
  memberId: string
  unitId: string
  enrolledAt: string
  /** Set when the endpoint has refused the token: the phone keeps its data and must enroll again. */
  revokedAt: string | null
}

/** A report as stored: with its text folded for searching without diacritics. */
export interface ReportRow extends Report {
  searchText: string
}

/** Why the last attempt to send something failed, for the screens to explain. */
export type SendError = 'offline' | 'timeout' | 'server' | 'busy' | 'revoked'

/** What the outbox sends: a visit report, or an exemplary case put forward (điển hình tiên tiến). */
export type OutgoingKind = 'report' | 'exemplar'

/**
 * The queue of what waits to be pushed: one row per report or exemplary case, at the revision
 * queued. `reportId` is the item's id, whichever its kind: the key keeps its first name so that
 * queues written by older versions open as they are.
 */
export interface OutboxRow {
  reportId: string
  kind: OutgoingKind
  revision: number
  queuedAt: string
  attempts: number
  lastError: SendError | null
  /** Not before this moment (backoff after a failure); null: at the next sync. */
  nextAttemptAt: string | null
}

/** A photo the endpoint asked for, waiting to be uploaded (tus), in the order of its report (or exemplary case: `reportId` is its id). */
export interface UploadRow {
  photoId: string
  reportId: string
  /** The report's place in the queue, then the photo's place in the report: the upload order. */
  queuedAt: string
  order: number
  /** The tus upload's address once created: kept so an upload resumes after the app restarts. */
  url: string | null
  attempts: number
  lastError: SendError | null
  nextAttemptAt: string | null
  /** The endpoint refused the photo itself (too big, not a picture, damaged): not retried. */
  refused: { status: number; message: string } | null
}

/** A photo as the phone keeps it: compressed, with a thumbnail, its checksum and where it was taken. */
export interface PhotoRow extends PhotoInfo {
  /** Null once the endpoint holds the photo and the cadre chose to free the space; the thumbnail stays. */
  blob: Blob | null
  /** Null for a photo of a report the endpoint gave back to a phone started afresh: fetched when first shown, then kept. */
  thumbnail: Blob | null
  /** When the endpoint confirmed it holds the photo. */
  uploadedAt?: string | null
}

/** Units of the bloc: the phone's own in full, the others by name only. */
export type UnitRow = Pick<Unit, 'id' | 'name' | 'shortName'> & Partial<Pick<Unit, 'blocId'>>

/**
 * The phone's database. Every `version(n)` stays here forever: a new app version must be able
 * to open and migrate the data of any older one, queued reports included.
 */
export class AppDatabase extends Dexie {
  meta!: EntityTable<MetaRow, 'key'>
  enrollment!: EntityTable<EnrollmentRow, 'key'>
  blocs!: EntityTable<Bloc, 'id'>
  units!: EntityTable<UnitRow, 'id'>
  members!: EntityTable<Member, 'id'>
  communes!: EntityTable<Commune, 'id'>
  assignments!: Dexie.Table<Assignment, [string, string, number]>
  covenants!: EntityTable<Covenant, 'id'>
  commitments!: EntityTable<Commitment, 'id'>
  reports!: EntityTable<ReportRow, 'id'>
  outbox!: EntityTable<OutboxRow, 'reportId'>
  photos!: EntityTable<PhotoRow, 'id'>
  uploads!: EntityTable<UploadRow, 'photoId'>
  exemplars!: EntityTable<Exemplar, 'id'>

  constructor(name = 'giao-uoc') {
    super(name)
    this.version(1).stores({
      meta: 'key',
    })
    // Reference data pulled from the endpoint, and this phone's enrollment.
    this.version(2).stores({
      enrollment: 'key',
      blocs: 'id',
      units: 'id',
      members: 'id',
      communes: 'id',
      assignments: '[unitId+communeId+year], [unitId+year]',
      covenants: 'id',
      commitments: 'id, covenantId',
    })
    // Visit reports, their photos, and the queue of reports waiting to be sent.
    this.version(3).stores({
      reports: 'id, updatedAt, [state+updatedAt], [communeId+updatedAt]',
      outbox: 'reportId, queuedAt',
      photos: 'id, reportId',
    })
    // Photo uploads the endpoint asked for; queued reports gain a time for their next attempt.
    this.version(4)
      .stores({
        uploads: 'photoId, reportId, [queuedAt+order]',
      })
      .upgrade(async (tx) => {
        await tx
          .table<OutboxRow>('outbox')
          .toCollection()
          .modify((row) => {
            row.nextAttemptAt ??= null
          })
        await tx
          .table<Report>('reports')
          .toCollection()
          .modify((row) => {
            const old = row as Report & { rejectedReason?: string | null }
            row.rejection ??= old.rejectedReason ? { code: 'invalid', reason: old.rejectedReason } : null
            row.receipt ??= null
            delete old.rejectedReason
          })
      })
    // Reports counted per commune and state on an index, so that the lists' counts stay quick.
    this.version(5).stores({
      reports: 'id, updatedAt, [state+updatedAt], [communeId+updatedAt], [communeId+state]',
    })
    // Commitments can be retired from a signed covenant; those pulled before say they are not.
    this.version(6)
      .stores({})
      .upgrade(async (tx) => {
        await tx
          .table<Commitment>('commitments')
          .toCollection()
          .modify((row) => {
            row.retiredAt ??= null
          })
      })
    // Exemplary cases put forward from the phone, sent through the same outbox as reports.
    this.version(7)
      .stores({
        exemplars: 'id, updatedAt',
      })
      .upgrade(async (tx) => {
        await tx
          .table<OutboxRow>('outbox')
          .toCollection()
          .modify((row) => {
            row.kind ??= 'report'
          })
      })
  }
}

export const db = new AppDatabase()
