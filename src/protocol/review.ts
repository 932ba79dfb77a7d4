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

export type ReviewMatchesDomain = AllTrue<[Same<Review, domain.Review>]>
