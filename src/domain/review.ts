import type { Id } from './entities'

export const REVIEW_STATUSES = ['accepted', 'needs_more'] as const
/** A lead's or the admin's verdict on a report: `accepted`, or `needs_more` (cần bổ sung) with a comment. */
export type ReviewStatus = (typeof REVIEW_STATUSES)[number]

/** One review of a report, as the endpoint keeps it: every change of status is kept with who and when. */
export interface Review {
  id: Id
  reportId: Id
  /** The report's revision the reviewer saw. */
  revision: number
  status: ReviewStatus
  comment: string
  reviewerId: Id
  reviewerName: string
  at: string
}

export const REVIEW_LIMITS = { commentLength: 2000 } as const

/** The latest review of a report waits for the cadre: more was asked for, and no newer revision has been sent since. */
export function awaitsAnswer(review: Pick<Review, 'status' | 'revision'> | undefined | null, revision: number): boolean {
  return review?.status === 'needs_more' && revision <= review.revision
}
