import { Type, type Static } from '@sinclair/typebox'
import { ENTRY_STATUSES, LIMITS, MEASURES, PACES } from '../domain'
import { closed, Id, IsoDate, IsoDateTime, oneOf } from './common'
import { PushedLocation } from './push'
import { Commitment, Commune, Covenant } from './reference'
import { UnitName } from './pull'
import { Review } from './review'

/** A covenant year, and within it one unit (a lead's own, whatever they ask) or the whole bloc. */
export const YearQuery = Type.Object(
  {
    year: Type.Optional(Type.Integer({ minimum: LIMITS.firstYear, maximum: LIMITS.lastYear, description: 'The covenant year; the active covenant’s when absent' })),
    unitId: Type.Optional(Id),
    /** Only visits up to this day: progress as it stood then, such as on 30 June for the mid-year review. */
    asOf: Type.Optional(IsoDate),
  },
  closed,
)
export type YearQuery = Static<typeof YearQuery>

/** One commitment's progress for one unit or commune, from the reports the endpoint holds. */
export const ProgressCell = Type.Object(
  {
    commitmentId: Id,
    /** Sum of amounts (the highest for a percentage). */
    amount: Type.Number(),
    /** For a yes-or-no commitment: a report marked it done. */
    done: Type.Boolean(),
    reports: Type.Integer({ minimum: 0 }),
    target: Type.Union([Type.Number(), Type.Null()]),
    ratio: Type.Union([Type.Number(), Type.Null()]),
    pace: oneOf(PACES),
  },
  closed,
)
export type ProgressCell = Static<typeof ProgressCell>

export const UnitProgress = Type.Object(
  {
    unit: UnitName,
    communes: Type.Array(Commune),
    reports: Type.Integer({ minimum: 0 }),
    cells: Type.Array(ProgressCell),
  },
  closed,
)
export type UnitProgress = Static<typeof UnitProgress>

/** `GET /api/progress`: units × commitments for a year. */
export const ProgressResponse = Type.Object(
  {
    covenant: Type.Union([Covenant, Type.Null()]),
    commitments: Type.Array(Commitment),
    /** How much of the year has passed, 0…1: a cell is on track when its ratio keeps up with it. */
    elapsed: Type.Number(),
    units: Type.Array(UnitProgress),
  },
  closed,
)
export type ProgressResponse = Static<typeof ProgressResponse>

/** `GET /api/communes/:communeId/overview`: one commune's year. */
export const CommuneOverview = Type.Object(
  {
    commune: Commune,
    covenant: Type.Union([Covenant, Type.Null()]),
    commitments: Type.Array(Commitment),
    elapsed: Type.Number(),
    /** The units assigned to help it this year (for a lead, only their own). */
    units: Type.Array(UnitName),
    /** Visits in each month of the year, January first. */
    visits: Type.Array(Type.Integer({ minimum: 0 }), { minItems: 12, maxItems: 12 }),
    cells: Type.Array(ProgressCell),
  },
  closed,
)
export type CommuneOverview = Static<typeof CommuneOverview>

export const ReviewState = Type.Object(
  {
    status: Review.properties.status,
    comment: Type.String(),
    reviewerName: Type.String(),
    at: IsoDateTime,
    /** True when the cadre has sent a newer revision since. */
    answered: Type.Boolean(),
  },
  closed,
)

/** A report in a list. */
export const ReportSummary = Type.Object(
  {
    id: Id,
    receiptNumber: Type.String(),
    unitId: Id,
    unitName: Type.String(),
    communeId: Id,
    communeName: Type.String(),
    authorName: Type.String(),
    visitDate: IsoDate,
    summary: Type.String(),
    revision: Type.Integer({ minimum: 1 }),
    /** Revisions the endpoint accepted: 1 for a report never corrected after it was sent. */
    versions: Type.Integer({ minimum: 1 }),
    committedAt: IsoDateTime,
    photoCount: Type.Integer({ minimum: 0 }),
    photosReceived: Type.Integer({ minimum: 0 }),
    review: Type.Union([ReviewState, Type.Null()]),
  },
  closed,
)
export type ReportSummary = Static<typeof ReportSummary>

const Page = { offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }

/** `GET /api/reports`: newest visit first; a figure's reports by `commitmentId`. */
export const ReportsQuery = Type.Object({ ...YearQuery.properties, communeId: Type.Optional(Id), commitmentId: Type.Optional(Id), ...Page }, closed)
export type ReportsQuery = Static<typeof ReportsQuery>
export const ReportsResponse = Type.Object({ total: Type.Integer({ minimum: 0 }), reports: Type.Array(ReportSummary) }, closed)
export type ReportsResponse = Static<typeof ReportsResponse>

/** Another report a photo is found in: by the same bytes, or by a fingerprint a few bits away. */
export const OtherReport = Type.Object({ reportId: Id, receiptNumber: Type.String() }, closed)
export type OtherReport = Static<typeof OtherReport>

export const PhotoFlags = Type.Object(
  {
    /** Taken this many days before the visit (from `PHOTO_FLAGS.daysBefore`); null otherwise. */
    daysBefore: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    /** Taken this many metres from where the report says (beyond `PHOTO_FLAGS.metresAway`); null otherwise. */
    metresAway: Type.Union([Type.Number(), Type.Null()]),
    /** Other reports holding the very same photo (same SHA-256). */
    same: Type.Array(OtherReport),
    /** Other reports of the unit holding a near-duplicate (fingerprints at most `NEAR_DUPLICATE_BITS` apart). */
    similar: Type.Array(OtherReport),
  },
  closed,
)
export type PhotoFlags = Static<typeof PhotoFlags>

export const PhotoInfo = Type.Object(
  {
    id: Id,
    caption: Type.String(),
    width: Type.Integer(),
    height: Type.Integer(),
    size: Type.Integer(),
    takenAt: IsoDateTime,
    /** False while the phone has not yet uploaded it. */
    received: Type.Boolean(),
  },
  closed,
)
export type PhotoInfo = Static<typeof PhotoInfo>

/** A report's photo as evidence: where and when the camera says it was taken, and what a reviewer should look at. */
export const ReportPhoto = Type.Object(
  {
    ...PhotoInfo.properties,
    capturedAt: Type.Union([IsoDateTime, Type.Null()]),
    capturedLatitude: Type.Union([Type.Number(), Type.Null()]),
    capturedLongitude: Type.Union([Type.Number(), Type.Null()]),
    flags: PhotoFlags,
  },
  closed,
)
export type ReportPhoto = Static<typeof ReportPhoto>

/** `GET /api/reports/:reportId`: everything the endpoint holds of a report. */
export const REVISION_CHANGES = ['visit', 'summary', 'location', 'entries', 'photos'] as const
export const ReportRevision = Type.Object(
  {
    revision: Type.Integer({ minimum: 1 }),
    committedAt: IsoDateTime,
    authorName: Type.String(),
    deviceName: Type.String(),
    /** What this revision changed from the one before; empty for the first. */
    changed: Type.Array(oneOf(REVISION_CHANGES)),
  },
  closed,
)
export type ReportRevision = Static<typeof ReportRevision>

export const ReportDetail = Type.Composite(
  [
    ReportSummary,
    Type.Object({
      visitTime: Type.String(),
      location: Type.Union([PushedLocation, Type.Null()]),
      deviceName: Type.String(),
      /** Every accepted revision, oldest first: who sent it, from which phone, and what it changed. */
      revisions: Type.Array(ReportRevision),
      entries: Type.Array(
        Type.Object(
          {
            commitmentId: Id,
            order: Type.Integer(),
            title: Type.String(),
            measure: oneOf(MEASURES),
            unitLabel: Type.String(),
            status: oneOf(ENTRY_STATUSES),
            amount: Type.Union([Type.Number(), Type.Null()]),
            note: Type.String(),
          },
          closed,
        ),
      ),
      photos: Type.Array(ReportPhoto),
      /** Every review, oldest first. */
      reviews: Type.Array(Review),
    }),
  ],
  closed,
)
export type ReportDetail = Static<typeof ReportDetail>

/** `GET /api/reports/:reportId/photos/:photoId?size=thumb`: the photo's bytes, or a small JPEG of it. */
export const PhotoParams = Type.Object({ reportId: Id, photoId: Id }, closed)
export const PhotoQuery = Type.Object({ size: Type.Optional(oneOf(['thumb', 'full'] as const)) }, closed)
export type PhotoQuery = Static<typeof PhotoQuery>

/** `GET /api/gallery`: received photos, newest visit first. */
export const GalleryQuery = Type.Object({ ...YearQuery.properties, communeId: Type.Optional(Id), ...Page }, closed)
export type GalleryQuery = Static<typeof GalleryQuery>
export const GalleryPhoto = Type.Object(
  {
    reportId: Id,
    photoId: Id,
    caption: Type.String(),
    takenAt: IsoDateTime,
    visitDate: IsoDate,
    communeName: Type.String(),
    unitName: Type.String(),
  },
  closed,
)
export type GalleryPhoto = Static<typeof GalleryPhoto>
export const GalleryResponse = Type.Object({ total: Type.Integer({ minimum: 0 }), photos: Type.Array(GalleryPhoto) }, closed)
export type GalleryResponse = Static<typeof GalleryResponse>
