import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import { dialectOf } from '../db/database'
import type { Assignment, Bloc, Commitment, Commune, Covenant, Member, Review, Unit } from '../../src/domain'
import type { HeldReport, PullResponse, PushedReport, Removal, UnitName } from '../../src/protocol'
import type { UnitTallies } from './tallies'
import type { BlocTable, CommitmentTable, CommuneTable, CovenantTable, Database, Db, MemberTable, ReviewTable, UnitTable } from '../db/schema'

/**
 * The number to stamp every reference row a transaction changes with (`rev`), so that a pull
 * finds what changed since its cursor. SQLite has one writer at a time: a counter moved on in
 * the transaction. On PostgreSQL, where writers run side by side, a counter row would hold
 * every writer up and could commit out of order; the stamp is the transaction's own id instead,
 * and a pull's cursor stays below every transaction still running (`pullCursor`). Both are
 * raised by the `revision` row's value there: 0, or the SQLite counter a move brought, so that
 * every stamp after a move is above every stamp before it.
 */
export async function nextRevision(trx: Transaction<Database>): Promise<number> {
  if (dialectOf(trx) === 'postgres') {
    const { rows } = await sql<{ value: number }>`select pg_current_xact_id()::text::bigint + value as value from revision where id = 1`.execute(trx)
    return rows[0]!.value
  }
  const { value } = await trx
    .updateTable('revision')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('id', '=', 1)
    .returning('value')
    .executeTakeFirstOrThrow()
  return value
}

/** The tables whose rows carry `rev` stamps. */
const STAMPED = ['bloc', 'unit', 'commune', 'assignment', 'covenant', 'commitment', 'member', 'review', 'removal'] as const

/**
 * On PostgreSQL, as the endpoint starts: raise the `revision` row's value where the database's
 * stamps are above what the cluster's transaction ids would give, as after a restore into
 * another cluster (whose ids start low again), so that every stamp from now on is above every
 * stamp held and phones' cursors stay good. Nothing to do on SQLite, whose counter lives with
 * its rows, nor on a cluster that only went on.
 */
export async function keepStampsRising(db: Kysely<Database>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  const highest = sql.join(
    STAMPED.map((table) => sql`select max(rev) as rev from ${sql.table(table)}`),
    sql` union all `,
  )
  await sql`update revision set value = greatest(value, (select coalesce(max(rev), 0) from (${highest}) as stamps) - pg_snapshot_xmin(pg_current_snapshot())::text::bigint + 1)
    where id = 1`.execute(db)
}

/**
 * The cursor a pull answers with: every row stamped above it is one the next pull sends. On
 * SQLite, the counter. On PostgreSQL, just below the oldest transaction still running when the
 * pull's snapshot was taken: a writer that began before and commits after has a larger id, so
 * its rows come with the next pull, whatever order writers commit in. A row may come twice;
 * a phone takes it again as it is.
 */
async function pullCursor(trx: Transaction<Database>): Promise<number> {
  if (dialectOf(trx) === 'postgres') {
    const { rows } = await sql<{ value: number }>`select pg_snapshot_xmin(pg_current_snapshot())::text::bigint - 1 + value as value from revision where id = 1`.execute(trx)
    return rows[0]!.value
  }
  const { value } = await trx.selectFrom('revision').select('value').where('id', '=', 1).executeTakeFirstOrThrow()
  return value
}

export const toBloc = (row: Selectable<BlocTable>): Bloc => ({
  id: row.id,
  name: row.name,
  province: row.province,
  headUnitId: row.head_unit_id,
  deputyUnitId: row.deputy_unit_id,
})
export const toUnit = (row: Selectable<UnitTable>): Unit => ({ id: row.id, blocId: row.bloc_id, name: row.name, shortName: row.short_name })
export const toCommune = (row: Selectable<CommuneTable>): Commune => ({ id: row.id, name: row.name, district: row.district, province: row.province })
export const toCovenant = (row: Selectable<CovenantTable>): Covenant => ({
  id: row.id,
  blocId: row.bloc_id,
  year: row.year,
  slogan: row.slogan,
  status: row.status,
  signedAt: row.signed_at,
})
export const toCommitment = (row: Selectable<CommitmentTable>): Commitment => ({
  id: row.id,
  covenantId: row.covenant_id,
  group: row.group_name,
  order: row.position,
  title: row.title,
  description: row.description,
  measure: row.measure,
  target: row.target,
  unitLabel: row.unit_label,
  maxPoints: row.max_points,
  scope: row.scope,
  retiredAt: row.retired_at,
})
/** The bloc a unit belongs to, or undefined when there is no such unit. */
export async function blocOfUnit(db: Db, unitId: string): Promise<string | undefined> {
  return (await db.selectFrom('unit').select('bloc_id').where('id', '=', unitId).executeTakeFirst())?.bloc_id
}

/** The ids of a bloc's units, as a subquery. */
export const unitsOf = (db: Db, blocId: string) => db.selectFrom('unit').select('unit.id').where('unit.bloc_id', '=', blocId)

/** The ids of the communes a bloc lists, as a subquery. */
export const communesOf = (db: Db, blocId: string) => db.selectFrom('bloc_commune').select('bloc_commune.commune_id').where('bloc_commune.bloc_id', '=', blocId)

/** A member with the bloc of their unit (null for the province's office), or undefined. */
export function memberWithBloc(db: Db, memberId: string) {
  return db.selectFrom('member').leftJoin('unit', 'unit.id', 'member.unit_id').selectAll('member').select('unit.bloc_id').where('member.id', '=', memberId).executeTakeFirst()
}

/** A member as `mayManage` weighs them. */
export const managedOf = (row: { id: string; unit_id: string | null; bloc_id: string | null; role: MemberTable['role'] }) => ({
  id: row.id,
  unitId: row.unit_id,
  blocId: row.bloc_id,
  role: row.role,
})

/** A member of a bloc's unit; the province's office (no unit) is never one. */
export function toMember(row: Selectable<MemberTable>): Member {
  if (row.unit_id === null || row.role === 'province') throw new Error(`Member ${row.id} belongs to the province, not to a unit`)
  return { id: row.id, unitId: row.unit_id, name: row.name, role: row.role, title: row.title }
}

/** The covenant phones work against: the latest signed one of the bloc, or failing that the latest being evaluated or closed. */
export async function activeCovenant(db: Db, blocId: string): Promise<Selectable<CovenantTable> | undefined> {
  return (
    db
      .selectFrom('covenant')
      .selectAll()
      .where('bloc_id', '=', blocId)
      .where('status', 'in', ['signed', 'evaluating', 'closed'])
      // The signed year first; else the latest year, being evaluated or closed.
      .orderBy((eb) => eb.case().when('status', '=', 'signed').then(0).else(1).end())
      .orderBy('year', 'desc')
      .executeTakeFirst()
  )
}

/**
 * What a member's phone needs, changed since `cursor`: the bloc, the names of its units, the
 * member's unit and profile, the active covenant and its commitments, the communes assigned to
 * the unit for the covenant's year. Nothing of another unit but its name. Read in one
 * transaction, so the answer and its cursor are one consistent picture.
 *
 * The answer is `full` (everything, to replace what the phone holds) from cursor 0, from a
 * cursor the endpoint never gave (a restored database), and whenever the member, their unit or
 * the active covenant changed: a change that removes rows (a commune no longer assigned, a
 * member moved) must stamp one of those, and phones then drop what they should no longer hold.
 */
export async function pullFor(db: Kysely<Database>, tallies: UnitTallies, memberId: string, cursor: number, now = new Date()): Promise<PullResponse> {
  // One snapshot for every read (PostgreSQL's default gives each statement its own).
  const { answer, unitId, covenantId } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const revision = await pullCursor(trx)
      const member = await trx.selectFrom('member').selectAll().where('id', '=', memberId).executeTakeFirstOrThrow()
      const unit = await trx.selectFrom('unit').selectAll().where('id', '=', member.unit_id).executeTakeFirstOrThrow()
      const bloc = await trx.selectFrom('bloc').selectAll().where('id', '=', unit.bloc_id).executeTakeFirstOrThrow()
      const covenant = await activeCovenant(trx, bloc.id)
      const full = cursor === 0 || cursor > revision || [member.rev, unit.rev, covenant?.rev ?? 0].some((rev) => rev > cursor)
      const since = full ? -1 : cursor
      const year = covenant?.year ?? now.getFullYear()

      const units: UnitName[] = (
        await trx.selectFrom('unit').select(['id', 'name', 'short_name']).where('bloc_id', '=', bloc.id).where('rev', '>', since).orderBy('name').execute()
      ).map((row) => ({ id: row.id, name: row.name, shortName: row.short_name }))
      const commitments = covenant
        ? await trx.selectFrom('commitment').selectAll().where('covenant_id', '=', covenant.id).where('rev', '>', since).orderBy('position').execute()
        : []
      const assignments = await trx.selectFrom('assignment').selectAll().where('unit_id', '=', unit.id).where('year', '=', year).execute()
      const assignedSince = new Set(assignments.filter((row) => row.rev > since).map((row) => row.commune_id))
      const communes = assignments.length
        ? (
            await trx
              .selectFrom('commune')
              .selectAll()
              .where(
                'id',
                'in',
                assignments.map((row) => row.commune_id),
              )
              .orderBy('name')
              .execute()
          ).filter((row) => row.rev > since || assignedSince.has(row.id))
        : []

      const reviews = await reviewsSince(trx, unit.id, since)
      const removed = await removalsSince(trx, unit.id, since)
      const evaluating = await trx.selectFrom('covenant').select(['id', 'year']).where('bloc_id', '=', bloc.id).where('status', '=', 'evaluating').orderBy('year').execute()
      const ownReports = full ? await heldReports(trx, member.id, [...(covenant ? [covenant.id] : []), ...evaluating.map((row) => row.id)]) : []

      const answer = {
        cursor: revision,
        full,
        ...(bloc.rev > since && { bloc: toBloc(bloc) }),
        units,
        ...(unit.rev > since && { unit: toUnit(unit) }),
        ...(member.rev > since && { member: toMember(member) }),
        communes: communes.map(toCommune),
        assignments: assignments.filter((row) => assignedSince.has(row.commune_id)).map((row): Assignment => ({ unitId: row.unit_id, communeId: row.commune_id, year: row.year })),
        ...(covenant && covenant.rev > since && { covenant: toCovenant(covenant) }),
        commitments: commitments.map(toCommitment),
        reviews,
        removed,
        evaluating: evaluating.map((row) => ({ covenantId: row.id, year: row.year })),
        ...(full && { ownReports }),
      }
      return { answer, unitId: unit.id, covenantId: covenant?.id }
    })
  // The unit's figures are not part of the cursor's picture: read apart, and kept a while.
  return { ...answer, ...(covenantId ? await tallies.figuresFor(unitId, covenantId, memberId) : { held: [], lastVisits: [] }) }
}

/**
 * The member's reports on these covenants as last sent, with their receipts, for a phone that
 * starts afresh; of their photos, those the endpoint holds.
 */
async function heldReports(db: Db, memberId: string, covenantIds: string[]): Promise<HeldReport[]> {
  if (!covenantIds.length) return []
  const rows = await db
    .selectFrom('report')
    .select(['id', 'body', 'receipt_number', 'committed_at'])
    .where('author_id', '=', memberId)
    .where('covenant_id', 'in', covenantIds)
    .orderBy('visit_date')
    .execute()
  if (!rows.length) return []
  const received = new Set(
    (
      await db
        .selectFrom('photo')
        .select(['report_id', 'id'])
        .where('report_id', 'in', (eb) => eb.selectFrom('report').select('id').where('author_id', '=', memberId).where('covenant_id', 'in', covenantIds))
        .where('received_at', 'is not', null)
        .where('removed_at', 'is', null)
        .execute()
    ).map((row) => `${row.report_id} ${row.id}`),
  )
  return rows.map((row) => {
    const report = JSON.parse(row.body) as PushedReport
    return {
      report: { ...report, photos: report.photos.filter((photo) => received.has(`${row.id} ${photo.id}`)) },
      receipt: { number: row.receipt_number, committedAt: row.committed_at },
    }
  })
}

/**
 * The latest review of each of the unit's reports, among those made since `since`. Read from the
 * reviews (few since any cursor) to their reports, never from the unit's reports (a year of them):
 * SQLite keeps a CROSS JOIN's order, and PostgreSQL plans it as any join.
 */
async function reviewsSince(db: Db, unitId: string, since: number): Promise<Review[]> {
  const rows = await db
    .selectFrom('review')
    .crossJoin('report')
    .whereRef('report.id', '=', 'review.report_id')
    .innerJoin('member', 'member.id', 'review.reviewer_id')
    .selectAll('review')
    .select('member.name as reviewer_name')
    .where('report.unit_id', '=', unitId)
    .where('review.rev', '>', since)
    .orderBy('review.rev')
    .execute()
  const latest = new Map(rows.map((row) => [row.report_id, toReview(row)]))
  return [...latest.values()]
}

/** Removals of the unit's reports and photos made since `since` (a pull's cursor), oldest first. */
export async function removalsSince(db: Db, unitId: string, since: number): Promise<Removal[]> {
  const rows = await db.selectFrom('removal').selectAll().where('unit_id', '=', unitId).where('rev', '>', since).orderBy('rev').execute()
  return rows.map((row) => ({ reportId: row.report_id, photoId: row.photo_id, reason: row.reason, at: row.removed_at }))
}

export const toReview = (row: Selectable<ReviewTable> & { reviewer_name: string }): Review => ({
  id: row.id,
  reportId: row.report_id,
  revision: row.revision,
  status: row.status,
  comment: row.comment,
  reviewerId: row.reviewer_id,
  reviewerName: row.reviewer_name,
  at: row.at,
})
