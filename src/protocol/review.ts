import { Type, type Static } from '@sinclair/typebox'
import type * as domain from '../domain'
import { REVIEW_LIMITS, REVIEW_STATUSES } from '../domain'
import { closed, Id, IsoDateTime, oneOf, type AllTrue, type Same } from './common'

/** A lead's or the admin's review of a report: it reaches the author's phone with the next pull. */
export const Review = Type.Object(
  {
    id: Id,
    reportId: Id,
    revision: Type.Integer({ minimum: 1, description: 'The revision of the report that was reviewed' }),
    status: oneOf(REVIEW_STATUSES),
    comment: Type.String(),
    reviewerId: Id,
    reviewerName: Type.String(),
    at: IsoDateTime,
  },
  closed,
)
export type Review = Static<typeof Review>

/** `POST /api/reports/:reportId/reviews`. `revision` is the one the reviewer read: a newer one waiting is a 409. */
export const ReviewRequest = Type.Object(
  {
    status: oneOf(REVIEW_STATUSES),
    comment: Type.String({ maxLength: REVIEW_LIMITS.commentLength }),
    revision: Type.Integer({ minimum: 1 }),
  },
  closed,
)
export type ReviewRequest = Static<typeof ReviewRequest>

export const ReportParams = Type.Object({ reportId: Id }, closed)
export type ReportParams = Static<typeof ReportParams>

/**
 * `POST /api/reports/:reportId/removal` and `…/photos/:photoId/removal`: the admin takes a
 * report or one photo off the endpoint (a person's picture, household details that should not
 * be kept). The reason is kept and shown to whoever sends it again.
 */
export const RemovalRequest = Type.Object({ reason: Type.String({ minLength: 1, maxLength: REVIEW_LIMITS.commentLength }) }, closed)
export type RemovalRequest = Static<typeof RemovalRequest>

/** In the pull: a report of the unit (`photoId` null) or one of its photos the admin removed; the phone drops its copy. */
export const Removal = Type.Object({ reportId: Id, photoId: Type.Union([Id, Type.Null()]), reason: Type.String(), at: IsoDateTime }, closed)
export type Removal = Static<typeof Removal>

export type ReviewMatchesDomain = AllTrue<[Same<Review, domain.Review>]>
