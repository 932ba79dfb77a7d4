import { liveQuery } from 'dexie'
import type { Assignment, Bloc, Commitment, Commune, Covenant, Member, Unit } from '@/domain'
import { db as defaultDb, type AppDatabase, type EnrollmentRow, type UnitRow } from './database'

export const PULL_CURSOR = 'pullCursor'
export const LAST_PULL_AT = 'lastPullAt'
export const ACTIVE_COVENANT = 'activeCovenantId'

/** What one pull brings: the rows changed since the last cursor, and the next cursor. */
export interface ReferenceChanges {
  cursor: number
  bloc?: Bloc
  units: Pick<Unit, 'id' | 'name' | 'shortName'>[]
  unit?: Unit
  member?: Member
  communes: Commune[]
  assignments: Assignment[]
  covenant?: Covenant
  commitments: Commitment[]
}

/**
 * Apply one pull in one transaction: the rows it brings, the active covenant and the new
 * cursor land together or not at all, so a pull cut short leaves the last good picture.
 */
export async function applyPull(response: ReferenceChanges, now: Date, db: AppDatabase = defaultDb): Promise<void> {
  const tables = [db.meta, db.blocs, db.units, db.members, db.communes, db.assignments, db.covenants, db.commitments]
  await db.transaction('rw', tables, async () => {
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
    await db.meta.put({ key: PULL_CURSOR, value: response.cursor })
    await db.meta.put({ key: LAST_PULL_AT, value: now.toISOString() })
  })
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

export async function markRevoked(at: Date, db: AppDatabase = defaultDb): Promise<void> {
  await db.enrollment.where('key').equals('current').modify({ revokedAt: at.toISOString() })
}

/** Everything the field screens show, as the phone holds it now. */
export interface ReferenceData {
  enrollment: Omit<EnrollmentRow, 'token'> | null
  bloc: Bloc | null
  unit: UnitRow | null
  member: Member | null
  covenant: Covenant | null
  commitments: Commitment[]
  /** The communes assigned to the unit for the covenant's year, by name. */
  communes: Commune[]
  lastPullAt: string | null
}

export async function readReference(db: AppDatabase = defaultDb, now = new Date()): Promise<ReferenceData> {
  return db.transaction('r', [db.meta, db.enrollment, db.blocs, db.units, db.members, db.communes, db.assignments, db.covenants, db.commitments], async () => {
    const enrollment = await getEnrollment(db)
    const activeId = (await db.meta.get(ACTIVE_COVENANT))?.value
    const covenant = typeof activeId === 'string' ? ((await db.covenants.get(activeId)) ?? null) : null
    const lastPullAt = (await db.meta.get(LAST_PULL_AT))?.value
    if (!enrollment) {
      return { enrollment: null, bloc: null, unit: null, member: null, covenant, commitments: [], communes: [], lastPullAt: null }
    }
    const unit = (await db.units.get(enrollment.unitId)) ?? null
    const year = covenant?.year ?? now.getFullYear()
    const assigned = await db.assignments.where('[unitId+year]').equals([enrollment.unitId, year]).toArray()
    const communes = (await db.communes.bulkGet(assigned.map((row) => row.communeId))).filter((row): row is Commune => row !== undefined)
    const commitments = covenant ? await db.commitments.where('covenantId').equals(covenant.id).sortBy('order') : []
    return {
      enrollment: withoutToken(enrollment),
      bloc: (unit?.blocId && (await db.blocs.get(unit.blocId))) || (await db.blocs.toCollection().first()) || null,
      unit,
      member: (await db.members.get(enrollment.memberId)) ?? null,
      covenant,
      commitments,
      communes: communes.sort((a, b) => a.name.localeCompare(b.name, 'vi')),
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
