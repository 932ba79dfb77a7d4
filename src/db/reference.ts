import { liveQuery } from 'dexie'
import type { Assignment, Bloc, Commitment, Commune, Covenant, HeldFigure, Member, Report, Review, Unit } from '@/domain'
import { byVietnamese } from '@/domain'
import { db as defaultDb, type AppDatabase, type EnrollmentRow, type PhotoRow, type UnitRow } from './database'
import { searchTextOf } from './reports'

export const PULL_CURSOR = 'pullCursor'
export const LAST_PULL_AT = 'lastPullAt'
export const ACTIVE_COVENANT = 'activeCovenantId'
/** The bloc's years being evaluated, as the last pull said. */
const EVALUATING = 'evaluatingYears'
/** What the endpoint holds from the unit's other members, as the last pull said. */
const HELD = 'heldFigures'
/** The unit's last visit to each commune, as the last pull said. */
const LAST_VISITS = 'lastVisits'

/** The day of the unit's latest visit to a commune. */
export interface LastVisit {
  communeId: string
  date: string
}

/** A year of the bloc being evaluated, and its covenant. */
export interface EvaluatingYear {
  covenantId: string
  year: number
}

/** What one pull brings: the rows changed since the last cursor, and the next cursor. */
export interface ReferenceChanges {
  cursor: number
  /** Everything the phone should hold: what is not in it is dropped. */
  full: boolean
  bloc?: Bloc
  units: Pick<Unit, 'id' | 'name' | 'shortName'>[]
  unit?: Unit
  member?: Member
  communes: Commune[]
  assignments: Assignment[]
  covenant?: Covenant
  commitments: Commitment[]
  /** The latest reviews of the unit's reports: each lands on the report it is about, if this phone holds it. */
  reviews: Review[]
  /** The bloc's years being evaluated, whole; absent from an endpoint of before they were sent. */
  evaluating?: EvaluatingYear[]
  /** Reports of the unit (`photoId` null) and photos the admin removed from the endpoint; absent from an endpoint of before removals. */
  removed?: { reportId: string; photoId: string | null }[]
  /** Whole: the unit's other members' figures on the active covenant; absent from an endpoint of before they were sent. */
  held?: HeldFigure[]
  /** Whole: the unit's latest visit to each commune; absent from an endpoint of before they were sent. */
  lastVisits?: LastVisit[]
  /** In a full answer: the member's reports as the endpoint holds them, for a phone started afresh. */
  ownReports?: HeldReport[]
}

/** One of the member's reports as the endpoint holds it: as last sent, with its receipt (the wire's `HeldReport`). */
export interface HeldReport {
  report: Omit<Report, 'authorId' | 'photoIds' | 'state' | 'rejection' | 'receipt' | 'review'> & {
    photos: Omit<PhotoRow, 'reportId' | 'blob' | 'thumbnail' | 'location' | 'createdAt'>[]
  }
  receipt: NonNullable<Report['receipt']>
}

/**
 * Apply one pull in one transaction: the rows it brings, the active covenant and the new
 * cursor land together or not at all, so a pull cut short leaves the last good picture.
 * A pull made for `deviceId` is dropped (answers false) if the phone has since enrolled again.
 */
export async function applyPull(response: ReferenceChanges, at: { now: Date; deviceId?: string }, db: AppDatabase = defaultDb): Promise<boolean> {
  const reference = [db.blocs, db.units, db.members, db.communes, db.assignments, db.covenants, db.commitments]
  return db.transaction('rw', [db.meta, db.enrollment, db.reports, db.photos, db.uploads, ...reference], async () => {
    if (at.deviceId !== undefined && (await getEnrollment(db))?.deviceId !== at.deviceId) return false
    if (response.full) {
      // Earlier years' covenants that reports on the phone name stay, with their commitments: a
      // report of last year may still be corrected against them while that year is evaluated.
      const named = new Set((await db.reports.toArray()).map((report) => report.covenantId))
      for (const table of reference) if (table !== db.covenants && table !== db.commitments) await table.clear()
      await db.covenants.filter((row) => !named.has(row.id)).delete()
      await db.commitments.filter((row) => !named.has(row.covenantId)).delete()
      await db.meta.delete(ACTIVE_COVENANT)
    }
    if (response.bloc) await db.blocs.put(response.bloc)
    const units: UnitRow[] = response.units.map((unit) => ({ ...unit, ...(response.bloc && { blocId: response.bloc.id }) }))
    if (response.unit) units.push(response.unit)
    await db.units.bulkPut(units)
    if (response.member) await db.members.put(response.member)
    await db.communes.bulkPut(response.communes)
    await db.assignments.bulkPut(response.assignments)
    if (response.covenant) {
      await db.covenants.put(response.covenant)
      await db.meta.put({ key: ACTIVE_COVENANT, value: response.covenant.id })
    }
    await db.commitments.bulkPut(response.commitments)
    if (response.evaluating) await db.meta.put({ key: EVALUATING, value: response.evaluating })
    if (response.held) await db.meta.put({ key: HELD, value: response.held })
    if (response.lastVisits) await db.meta.put({ key: LAST_VISITS, value: response.lastVisits })
    if (response.ownReports) await restoreReports(response.ownReports, db)
    for (const { reportId, status, comment, reviewerName, at, revision } of response.reviews) {
      await db.reports
        .where('id')
        .equals(reportId)
        .and((report) => !report.review || report.review.at <= at)
        .modify({ review: { status, comment, reviewerName, at, revision } })
    }
    for (const removal of response.removed ?? []) await dropRemoved(removal, db)
    await db.meta.put({ key: PULL_CURSOR, value: response.cursor })
    await db.meta.put({ key: LAST_PULL_AT, value: at.now.toISOString() })
    return true
  })
}

/**
 * The member's reports the endpoint holds and the phone does not (a phone reinstalled, or
 * replaced): back as accepted, their photos by reference, fetched when shown. A report the phone
 * holds is never touched: its copy is the cadre's, sent or to be sent.
 */
async function restoreReports(held: HeldReport[], db: AppDatabase): Promise<void> {
  const enrollment = await getEnrollment(db)
  if (!enrollment) return
  const known = new Set(
    await db.reports
      .where('id')
      .anyOf(held.map((item) => item.report.id))
      .primaryKeys(),
  )
  for (const { report: sent, receipt } of held) {
    if (known.has(sent.id)) continue
    const { photos, ...fields } = sent
    const report: Report = { ...fields, authorId: enrollment.memberId, photoIds: photos.map((photo) => photo.id), state: 'accepted', rejection: null, receipt }
    await db.reports.put({ ...report, searchText: searchTextOf(report, (await db.communes.get(report.communeId))?.name ?? '') })
    await db.photos.bulkPut(
      photos.map((photo): PhotoRow => ({
        ...photo,
        reportId: report.id,
        blob: null,
        thumbnail: null,
        location: report.location,
        createdAt: receipt.committedAt,
        uploadedAt: receipt.committedAt,
      })),
    )
  }
}

/**
 * What the admin removed from the endpoint goes from the phone too. A photo goes at once: the
 * endpoint had it, so nothing unsent is lost. A report goes when the endpoint held all of it
 * (accepted); one with unsent changes stays, and the endpoint answers its push with the reason.
 */
async function dropRemoved({ reportId, photoId }: { reportId: string; photoId: string | null }, db: AppDatabase): Promise<void> {
  const report = await db.reports.get(reportId)
  if (photoId !== null) {
    await db.photos.delete(photoId)
    await db.uploads.delete(photoId)
    if (report?.photoIds.includes(photoId)) await db.reports.update(reportId, { photoIds: report.photoIds.filter((id) => id !== photoId) })
    return
  }
  if (report?.state !== 'accepted') return
  await db.photos.where('reportId').equals(reportId).delete()
  await db.uploads.where('reportId').equals(reportId).delete()
  await db.reports.delete(reportId)
}

/** The commitments of a covenant the phone holds, in order: the followed one's, or an earlier year's its reports still name. */
export async function commitmentsOf(covenantId: string, db: AppDatabase = defaultDb): Promise<Commitment[]> {
  return db.commitments.where('covenantId').equals(covenantId).sortBy('order')
}

export async function pullCursor(db: AppDatabase = defaultDb): Promise<number> {
  const row = await db.meta.get(PULL_CURSOR)
  return typeof row?.value === 'number' ? row.value : 0
}

export async function getEnrollment(db: AppDatabase = defaultDb): Promise<EnrollmentRow | undefined> {
  return db.enrollment.get('current')
}

/**
 * Record a new enrollment. Enrolling again (after a revocation, or as another member) keeps
 * every report on the phone; reference data is pulled afresh from cursor 0.
 */
export async function saveEnrollment(row: Omit<EnrollmentRow, 'key' | 'revokedAt'>, db: AppDatabase = defaultDb): Promise<void> {
  await db.transaction('rw', db.enrollment, db.meta, async () => {
    await db.enrollment.put({ ...row, key: 'current', revokedAt: null })
    await db.meta.put({ key: PULL_CURSOR, value: 0 })
  })
}

/** The endpoint refused `deviceId`'s token: mark it, unless the phone has enrolled again since. */
export async function markRevoked(deviceId: string, at: Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.enrollment
    .where('key')
    .equals('current')
    .and((row) => row.deviceId === deviceId)
    .modify({ revokedAt: at.toISOString() })
}

/**
 * Forget everything the phone holds (its member signed out, with nothing unsent): the next
 * person starts from nothing. Other tabs' connections are closed by the deletion.
 */
export async function wipePhone(db: AppDatabase = defaultDb): Promise<void> {
  db.close()
  await db.delete()
}

/** Everything the field screens show, as the phone holds it now. */
export interface ReferenceData {
  /** The covenant's year, or this calendar year while there is none. */
  year: number
  enrollment: Omit<EnrollmentRow, 'token'> | null
  bloc: Bloc | null
  unit: UnitRow | null
  member: Member | null
  covenant: Covenant | null
  commitments: Commitment[]
  /** The communes assigned to the unit for the covenant's year, by name. */
  communes: Commune[]
  /** Earlier years the bloc is still evaluating: exemplary cases may be put forward for them too. */
  evaluating: EvaluatingYear[]
  /** The unit's other members' figures on the covenant, as the endpoint holds them; added to this phone's reports for the unit's progress. */
  held: HeldFigure[]
  /** The unit's latest visit to each commune the endpoint holds, by anyone. */
  lastVisits: LastVisit[]
  lastPullAt: string | null
}

export async function readReference(db: AppDatabase = defaultDb, now = new Date()): Promise<ReferenceData> {
  return db.transaction('r', [db.meta, db.enrollment, db.blocs, db.units, db.members, db.communes, db.assignments, db.covenants, db.commitments], async () => {
    const enrollment = await getEnrollment(db)
    const activeId = (await db.meta.get(ACTIVE_COVENANT))?.value
    const covenant = typeof activeId === 'string' ? ((await db.covenants.get(activeId)) ?? null) : null
    const lastPullAt = (await db.meta.get(LAST_PULL_AT))?.value
    const year = covenant?.year ?? now.getFullYear()
    if (!enrollment) {
      return { year, enrollment: null, bloc: null, unit: null, member: null, covenant, commitments: [], communes: [], evaluating: [], held: [], lastVisits: [], lastPullAt: null }
    }
    const evaluating = (await db.meta.get(EVALUATING))?.value
    const held = (await db.meta.get(HELD))?.value
    const lastVisits = (await db.meta.get(LAST_VISITS))?.value
    // The member's unit as the endpoint last said: a member may move to another unit.
    const member = (await db.members.get(enrollment.memberId)) ?? null
    const unitId = member?.unitId ?? enrollment.unitId
    const unit = (await db.units.get(unitId)) ?? null
    const assigned = await db.assignments.where('[unitId+year]').equals([unitId, year]).toArray()
    const communes = (await db.communes.bulkGet(assigned.map((row) => row.communeId))).filter((row): row is Commune => row !== undefined)
    const commitments = covenant ? await db.commitments.where('covenantId').equals(covenant.id).sortBy('order') : []
    return {
      year,
      enrollment: withoutToken(enrollment),
      bloc: (unit?.blocId && (await db.blocs.get(unit.blocId))) || (await db.blocs.toCollection().first()) || null,
      unit,
      member,
      covenant,
      commitments,
      communes: communes.sort(byVietnamese((row) => row.name)),
      evaluating: Array.isArray(evaluating) ? (evaluating as EvaluatingYear[]).filter((item) => item.covenantId !== covenant?.id) : [],
      held: Array.isArray(held) ? (held as HeldFigure[]) : [],
      lastVisits: Array.isArray(lastVisits) ? (lastVisits as LastVisit[]) : [],
      lastPullAt: typeof lastPullAt === 'string' ? lastPullAt : null,
    }
  })
}

/** Screens never need the token; it stays in the database and the sync code. */
function withoutToken({ token, ...rest }: EnrollmentRow): Omit<EnrollmentRow, 'token'> {
  void token
  return rest
}

/** Call `onChange` with the reference data now and whenever it changes, in this tab or another. */
export function watchReference(onChange: (data: ReferenceData) => void, onError: (error: unknown) => void, db: AppDatabase = defaultDb): () => void {
  const subscription = liveQuery(() => readReference(db)).subscribe({ next: onChange, error: onError })
  return () => subscription.unsubscribe()
}
