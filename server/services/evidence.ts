import { randomUUID } from 'node:crypto'
import type { ExpressionBuilder, Kysely, Selectable, SelectQueryBuilder } from 'kysely'
import { daysBeforeVisit, distanceMetres, fingerprintDistance, NEAR_DUPLICATE_BITS, PHOTO_FLAGS, type Member, type Review } from '../../src/domain'
import {
  ERROR_CODES,
  type GalleryQuery,
  type GalleryResponse,
  type ReportPhoto,
  type PushedReport,
  type ReportDetail,
  type ReportRevision,
  type ReportsQuery,
  type ReportsResponse,
  type ReportSummary,
  type ReviewRequest,
} from '../../src/protocol'
import type { Database, PhotoTable, ReportTable } from '../db/schema'
import { audit } from './audit'
import { conflict, invalid, notFound, Refusal } from './errors'
import { covenantFor } from './progress'
import { nextRevision, toReview, unitsOf } from './reference'
import { assertUnit, scopedUnit, type Manager } from './scope'

/**
 * What the phones sent, for those allowed to see it: reports with their entries, photos and
 * reviews. A lead sees only their unit's; a report of another unit is answered as not found,
 * so its existence is not told.
 */

/** Reports joined with their unit, commune and author: what a list or an export shows. */
export function reportRows(db: Kysely<Database>) {
  return withNames(db.selectFrom('report'))
}

/** Reports with their unit, commune and author. */
function withNames<O>(reports: SelectQueryBuilder<Database, 'report', O>) {
  return reports.innerJoin('unit', 'unit.id', 'report.unit_id').innerJoin('commune', 'commune.id', 'report.commune_id').innerJoin('member', 'member.id', 'report.author_id')
}

/** How many revisions of the report the endpoint accepted: more than one, and it was corrected after it was first sent. */
const versions = (eb: ExpressionBuilder<Database, 'report'>) =>
  eb.selectFrom('report_revision').select(eb.fn.countAll<number>().as('n')).whereRef('report_revision.report_id', '=', 'report.id').as('versions')

async function latestReviews(db: Kysely<Database>, reportIds: string[]): Promise<Map<string, Review[]>> {
  const byReport = new Map<string, Review[]>()
  if (!reportIds.length) return byReport
  const rows = await db
    .selectFrom('review')
    .innerJoin('member', 'member.id', 'review.reviewer_id')
    .selectAll('review')
    .select('member.name as reviewer_name')
    .where('review.report_id', 'in', reportIds)
    .orderBy('review.rev')
    .execute()
  for (const row of rows) byReport.set(row.report_id, [...(byReport.get(row.report_id) ?? []), toReview(row)])
  return byReport
}

async function photoCounts(db: Kysely<Database>, reportIds: string[]) {
  const counts = new Map<string, { photos: number; received: number }>()
  if (!reportIds.length) return counts
  const rows = await db
    .selectFrom('photo')
    .select(['report_id', (eb) => eb.fn.countAll<number>().as('photos'), (eb) => eb.fn.count<number>('received_at').as('received')])
    .where('report_id', 'in', reportIds)
    .where('removed_at', 'is', null)
    .groupBy('report_id')
    .execute()
  for (const row of rows) counts.set(row.report_id, { photos: row.photos, received: row.received })
  return counts
}

/** `GET /api/reports`: newest visit first, by unit, commune or a commitment they touched. */
export async function listReports(db: Kysely<Database>, manager: Manager, query: ReportsQuery): Promise<ReportsResponse> {
  const unitId = await scopedUnit(db, manager, query.unitId)
  const covenant = await covenantFor(db, manager.blocId, query.year)
  if (!covenant) return { total: 0, reports: [] }
  // Counted on the reports alone: a year of them is counted from an index, without the joins.
  let rows = db.selectFrom('report').where('report.covenant_id', '=', covenant.id)
  if (unitId) rows = rows.where('report.unit_id', '=', unitId)
  if (query.communeId) rows = rows.where('report.commune_id', '=', query.communeId)
  if (query.asOf) rows = rows.where('report.visit_date', '<=', query.asOf)
  if (query.commitmentId) {
    const commitmentId = query.commitmentId
    rows = rows.where((eb) =>
      eb.exists(
        eb
          .selectFrom('report_entry')
          .select('report_entry.report_id')
          .whereRef('report_entry.report_id', '=', 'report.id')
          .where('report_entry.commitment_id', '=', commitmentId)
          .where('report_entry.status', '!=', 'not_started'),
      ),
    )
  }
  const { total } = await rows.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const page = await withNames(rows)
    .selectAll('report')
    .select(['unit.name as unit_name', 'commune.name as commune_name', 'member.name as author_name', versions])
    .orderBy('report.visit_date', 'desc')
    .orderBy('report.committed_at', 'desc')
    .offset(query.offset ?? 0)
    .limit(query.limit ?? 50)
    .execute()
  const ids = page.map((row) => row.id)
  const [reviews, photos] = await Promise.all([latestReviews(db, ids), photoCounts(db, ids)])
  return { total, reports: page.map((row) => summaryOf(row, reviews.get(row.id) ?? [], photos.get(row.id))) }
}

type Row = {
  id: string
  receipt_number: string
  unit_id: string
  unit_name: string
  commune_id: string
  commune_name: string
  author_name: string
  visit_date: string
  summary: string
  revision: number
  committed_at: string
  versions: number | null
}

function summaryOf(row: Row, reviews: Review[], photos: { photos: number; received: number } | undefined): ReportSummary {
  const latest = reviews.at(-1)
  return {
    id: row.id,
    receiptNumber: row.receipt_number,
    unitId: row.unit_id,
    unitName: row.unit_name,
    communeId: row.commune_id,
    communeName: row.commune_name,
    authorName: row.author_name,
    visitDate: row.visit_date,
    summary: row.summary,
    revision: row.revision,
    versions: Math.max(1, Number(row.versions ?? 1)),
    committedAt: row.committed_at,
    photoCount: photos?.photos ?? 0,
    photosReceived: photos?.received ?? 0,
    review: latest ? { status: latest.status, comment: latest.comment, reviewerName: latest.reviewerName, at: latest.at, answered: row.revision > latest.revision } : null,
  }
}

/** A report of the manager's scope, or 404. */
async function reportInScope(db: Kysely<Database>, manager: Manager, reportId: string) {
  const row = await reportRows(db)
    .innerJoin('device', 'device.id', 'report.device_id')
    .selectAll('report')
    .select(['unit.name as unit_name', 'unit.bloc_id', 'commune.name as commune_name', 'member.name as author_name', 'device.name as device_name', versions])
    .where('report.id', '=', reportId)
    .executeTakeFirst()
  if (!row) throw notFound('report')
  try {
    assertUnit(manager, row.unit_id, row.bloc_id)
  } catch {
    throw notFound('report')
  }
  return row
}

/** What one revision changed from the one before, in the words of the report's parts. */
function changesBetween(before: PushedReport | null, after: PushedReport): ReportRevision['changed'] {
  if (!before) return []
  const differ = (pick: (report: PushedReport) => unknown) => JSON.stringify(pick(before)) !== JSON.stringify(pick(after))
  const parts: [ReportRevision['changed'][number], (report: PushedReport) => unknown][] = [
    ['visit', (report) => [report.visitDate, report.visitTime, report.communeId]],
    ['summary', (report) => report.summary],
    ['location', (report) => report.location],
    ['entries', (report) => report.entries],
    ['photos', (report) => report.photos.map((photo) => [photo.id, photo.caption])],
  ]
  return parts.filter(([, pick]) => differ(pick)).map(([part]) => part)
}

/** A report's accepted revisions, oldest first, with who sent each from which phone. */
async function revisionsOf(db: Kysely<Database>, reportId: string): Promise<ReportRevision[]> {
  const rows = await db
    .selectFrom('report_revision')
    .innerJoin('member', 'member.id', 'report_revision.member_id')
    .leftJoin('device', 'device.id', 'report_revision.device_id')
    .select(['report_revision.revision', 'report_revision.committed_at', 'report_revision.body', 'member.name as author_name', 'device.name as device_name'])
    .where('report_revision.report_id', '=', reportId)
    .orderBy('report_revision.revision')
    .execute()
  const bodies = rows.map((row) => JSON.parse(row.body) as PushedReport)
  return rows.map((row, index) => ({
    revision: row.revision,
    committedAt: row.committed_at,
    authorName: row.author_name,
    deviceName: row.device_name ?? '',
    changed: changesBetween(bodies[index - 1] ?? null, bodies[index] as PushedReport),
  }))
}

/** `GET /api/reports/:reportId`. */
export async function reportDetail(db: Kysely<Database>, manager: Manager, reportId: string): Promise<ReportDetail> {
  const row = await reportInScope(db, manager, reportId)
  const entries = await db
    .selectFrom('report_entry')
    .innerJoin('commitment', 'commitment.id', 'report_entry.commitment_id')
    .select([
      'report_entry.commitment_id',
      'report_entry.status',
      'report_entry.amount',
      'report_entry.note',
      'commitment.position',
      'commitment.title',
      'commitment.measure',
      'commitment.unit_label',
    ])
    .where('report_entry.report_id', '=', reportId)
    .orderBy('commitment.position')
    .execute()
  const photos = await db.selectFrom('photo').selectAll().where('report_id', '=', reportId).where('removed_at', 'is', null).orderBy('position').execute()
  const reviews = (await latestReviews(db, [reportId])).get(reportId) ?? []
  const revisions = await revisionsOf(db, reportId)
  return {
    ...summaryOf(row, reviews, { photos: photos.length, received: photos.filter((photo) => photo.received_at).length }),
    visitTime: row.visit_time,
    location:
      row.latitude !== null && row.longitude !== null && row.accuracy !== null && row.located_at !== null
        ? { latitude: row.latitude, longitude: row.longitude, accuracy: row.accuracy, takenAt: row.located_at }
        : null,
    deviceName: row.device_name,
    revisions,
    entries: entries.map((entry) => ({
      commitmentId: entry.commitment_id,
      order: entry.position,
      title: entry.title,
      measure: entry.measure,
      unitLabel: entry.unit_label,
      status: entry.status,
      amount: entry.amount,
      note: entry.note,
    })),
    photos: await withFlags(db, row, photos),
    reviews,
  }
}

/**
 * Each photo as the report page shows it, with what a reviewer should look at: taken long before
 * the visit, far from where the report says, the very same photo in another report, a
 * near-duplicate in another of the unit's reports. Flags only; nothing is refused for them. The
 * other reports are the bloc's: another bloc's are not this bloc's to know of.
 */
async function withFlags(
  db: Kysely<Database>,
  report: Pick<Selectable<ReportTable>, 'id' | 'unit_id' | 'covenant_id' | 'visit_date' | 'latitude' | 'longitude'> & { bloc_id: string },
  photos: Selectable<PhotoTable>[],
): Promise<ReportPhoto[]> {
  const others = db
    .selectFrom('photo')
    .innerJoin('report', 'report.id', 'photo.report_id')
    .select(['photo.report_id', 'report.receipt_number', 'photo.sha256', 'photo.fingerprint'])
    .where('photo.report_id', '!=', report.id)
    .where('report.unit_id', 'in', unitsOf(db, report.bloc_id))
    .where('photo.removed_at', 'is', null)
  const shas = photos.map((photo) => photo.sha256)
  const same = shas.length ? await others.where('photo.sha256', 'in', shas).execute() : []
  const fingerprinted = photos.some((photo) => photo.fingerprint)
    ? await others.where('report.unit_id', '=', report.unit_id).where('report.covenant_id', '=', report.covenant_id).where('photo.fingerprint', 'is not', null).execute()
    : []
  const refs = (rows: { report_id: string; receipt_number: string }[]) => [
    ...new Map(rows.map((row) => [row.report_id, { reportId: row.report_id, receiptNumber: row.receipt_number }])).values(),
  ]
  const place = report.latitude !== null && report.longitude !== null ? { latitude: report.latitude, longitude: report.longitude } : null
  return photos.map((photo) => {
    const captured = photo.captured_latitude !== null && photo.captured_longitude !== null ? { latitude: photo.captured_latitude, longitude: photo.captured_longitude } : null
    const daysBefore = photo.captured_at ? daysBeforeVisit(photo.captured_at, report.visit_date) : 0
    const metres = place && captured ? distanceMetres(place, captured) : 0
    const { fingerprint } = photo
    return {
      id: photo.id,
      caption: photo.caption,
      width: photo.width,
      height: photo.height,
      size: photo.size,
      takenAt: photo.taken_at,
      received: photo.received_at !== null,
      capturedAt: photo.captured_at,
      capturedLatitude: photo.captured_latitude,
      capturedLongitude: photo.captured_longitude,
      flags: {
        daysBefore: daysBefore >= PHOTO_FLAGS.daysBefore ? daysBefore : null,
        metresAway: metres > PHOTO_FLAGS.metresAway ? Math.round(metres) : null,
        same: refs(same.filter((other) => other.sha256 === photo.sha256)),
        similar: fingerprint
          ? refs(fingerprinted.filter((other) => other.sha256 !== photo.sha256 && other.fingerprint && fingerprintDistance(fingerprint, other.fingerprint) <= NEAR_DUPLICATE_BITS))
          : [],
      },
    }
  })
}

/** A received photo of a report in the manager's scope: its SHA-256 and real type (from its bytes, whatever the phone said), to serve from the store. */
export async function photoInScope(db: Kysely<Database>, manager: Manager, reportId: string, photoId: string) {
  await reportInScope(db, manager, reportId)
  return receivedPhoto(db, reportId, photoId)
}

/** A received photo of one of the member's own reports; 404 for anyone else's. */
export async function ownPhoto(db: Kysely<Database>, member: Member, reportId: string, photoId: string) {
  const own = await db.selectFrom('report').select('id').where('id', '=', reportId).where('author_id', '=', member.id).executeTakeFirst()
  if (!own) throw notFound('report')
  return receivedPhoto(db, reportId, photoId)
}

async function receivedPhoto(db: Kysely<Database>, reportId: string, photoId: string) {
  const photo = await db
    .selectFrom('photo')
    .innerJoin('photo_blob', 'photo_blob.sha256', 'photo.sha256')
    .select(['photo.sha256', 'photo_blob.type', 'photo.received_at'])
    .where('photo.report_id', '=', reportId)
    .where('photo.id', '=', photoId)
    .executeTakeFirst()
  if (!photo?.received_at) throw new Refusal(404, ERROR_CODES.notFound, 'No such photo, or not received yet')
  return { sha256: photo.sha256, type: photo.type }
}

/** `GET /api/gallery`: the received photos of the year in scope, newest visit first. */
export async function gallery(db: Kysely<Database>, manager: Manager, query: GalleryQuery): Promise<GalleryResponse> {
  const unitId = await scopedUnit(db, manager, query.unitId)
  const covenant = await covenantFor(db, manager.blocId, query.year)
  if (!covenant) return { total: 0, photos: [] }
  let rows = db
    .selectFrom('photo')
    .innerJoin('report', 'report.id', 'photo.report_id')
    .innerJoin('unit', 'unit.id', 'report.unit_id')
    .innerJoin('commune', 'commune.id', 'report.commune_id')
    .where('report.covenant_id', '=', covenant.id)
    .where('photo.received_at', 'is not', null)
    .where('photo.removed_at', 'is', null)
  if (unitId) rows = rows.where('report.unit_id', '=', unitId)
  if (query.communeId) rows = rows.where('report.commune_id', '=', query.communeId)
  if (query.asOf) rows = rows.where('report.visit_date', '<=', query.asOf)
  const { total } = await rows.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow()
  const page = await rows
    .select(['photo.report_id', 'photo.id', 'photo.caption', 'photo.taken_at', 'report.visit_date', 'commune.name as commune_name', 'unit.name as unit_name'])
    .orderBy('report.visit_date', 'desc')
    .orderBy('photo.report_id')
    .orderBy('photo.position')
    .offset(query.offset ?? 0)
    .limit(query.limit ?? 50)
    .execute()
  return {
    total,
    photos: page.map((row) => ({
      reportId: row.report_id,
      photoId: row.id,
      caption: row.caption,
      takenAt: row.taken_at,
      visitDate: row.visit_date,
      communeName: row.commune_name,
      unitName: row.unit_name,
    })),
  }
}

/**
 * `POST /api/reports/:reportId/reviews`: accept a report or ask for more, with a comment. The
 * reviewer must have read the revision the endpoint holds; the review is stamped so the
 * author's phone pulls it.
 */
export async function reviewReport(db: Kysely<Database>, manager: Manager, reportId: string, body: ReviewRequest, now = new Date()): Promise<Review> {
  const report = await reportInScope(db, manager, reportId)
  if (body.status === 'needs_more' && body.comment.trim() === '') {
    throw invalid('Say what more is needed', [{ field: 'comment', rule: 'required' }])
  }
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('report').select('revision').where('id', '=', reportId).executeTakeFirstOrThrow()
    if (current.revision !== body.revision) throw conflict('The cadre has sent a newer revision of this report: read it first')
    const review: Review = {
      id: randomUUID(),
      reportId,
      revision: current.revision,
      status: body.status,
      comment: body.comment.trim(),
      reviewerId: manager.id,
      reviewerName: manager.name,
      at: now.toISOString(),
    }
    await trx
      .insertInto('review')
      .values({
        id: review.id,
        report_id: reportId,
        revision: review.revision,
        status: review.status,
        comment: review.comment,
        reviewer_id: manager.id,
        at: review.at,
        rev: await nextRevision(trx),
      })
      .execute()
    await audit(trx, manager, 'report.review', report.unit_id, { receipt: report.receipt_number, status: body.status, commune: report.commune_name })
    return review
  })
}
