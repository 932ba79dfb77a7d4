import { createHash, randomUUID } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { PushedPhoto, PushedReport } from '../../src/protocol'
import type { Database } from '../db/schema'
import { DEMO_PHOTO, demoPhoto } from './demo-photos'
import type { PhotoStore } from './photo-store'
import { recordPhotoBlob } from './photos'
import { pushReports, type Pusher } from './push'
import { nextRevision, toMember, unitsOf } from './reference'

/** A small deterministic generator (mulberry32): the demo year is the same on every machine. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const VILLAGES = ['thôn Trung tâm', 'thôn Đầu Cầu', 'thôn Bản Mới', 'thôn Làng Chải', 'thôn Nà Khá', 'thôn Khâu Vai']
const ACTIVITIES = [
  (commune: string, village: string, households: number) => `Làm việc với Đảng ủy, UBND xã ${commune} về kế hoạch giảm nghèo; thăm ${households} hộ nghèo ở ${village}.`,
  (commune: string, village: string, households: number) => `Trao quà và hướng dẫn ${households} hộ nghèo ở ${village} (xã ${commune}) làm hồ sơ vay vốn chính sách.`,
  (commune: string, village: string, households: number) =>
    `Cùng xã ${commune} rà soát tiêu chí nông thôn mới; khảo sát mô hình nuôi bò sinh sản của ${households} hộ ở ${village}.`,
  (commune: string, village: string, households: number) => `Dự sinh hoạt chi bộ ${village}, xã ${commune}; vận động ${households} hộ hiến đất làm đường bê tông nội thôn.`,
]

/** Which commitment of the demo covenant an entry answers, by its place in the covenant. */
type ByOrder = (order: number) => string | undefined

/**
 * One unit's year of visits: each cadre in turn, each assigned commune about monthly (a
 * unit's `zeal` decides how often and how much), the year's percentages reported in the
 * `checkpoints` months, and the yes-or-no commitments marked done in December by the units
 * that met them.
 */
function visitsOf(
  unit: { id: string; zeal: number },
  communes: { id: string; name: string }[],
  covenantId: string,
  year: number,
  byOrder: ByOrder,
  random: () => number,
  checkpoints: readonly number[],
): PushedReport[] {
  const reports: PushedReport[] = []
  const entry = (order: number, status: 'in_progress' | 'done', amount: number | null) => {
    const commitmentId = byOrder(order)
    return commitmentId ? [{ commitmentId, status, amount, note: '' }] : []
  }
  for (let month = 1; month <= 12; month += 1) {
    for (const commune of communes) {
      if (random() > unit.zeal) continue
      const day = 3 + Math.floor(random() * 24)
      const visitDate = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      const households = 1 + Math.floor(random() * 3 * unit.zeal)
      const village = VILLAGES[Math.floor(random() * VILLAGES.length)] ?? ''
      const activity = ACTIVITIES[Math.floor(random() * ACTIVITIES.length)] ?? ACTIVITIES[0]
      const entries = [
        ...entry(9, 'done', 1),
        ...entry(5, 'in_progress', households),
        ...(random() < 0.15 * unit.zeal ? entry(6, 'in_progress', 1) : []),
        ...(month % 2 === 0 && commune === communes[0] ? entry(3, 'in_progress', 2) : []),
        ...(commune === communes[0] && checkpoints.includes(month)
          ? [...entry(2, 'in_progress', Math.round((month / 12) * 100 * unit.zeal)), ...entry(4, 'in_progress', Math.round((month / 12) * 95 * unit.zeal))]
          : []),
        ...(commune === communes[0] && month === 12 ? [...entry(1, 'done', null), ...(unit.zeal > 0.7 ? [...entry(7, 'done', null), ...entry(8, 'done', null)] : [])] : []),
      ]
      const at = `${visitDate}T10:00:00.000Z`
      reports.push({
        id: randomUUID(),
        unitId: unit.id,
        communeId: commune.id,
        covenantId,
        visitDate,
        visitTime: '08:30',
        summary: activity?.(commune.name, village, households) ?? '',
        location: null,
        entries,
        photos: [],
        revision: 1,
        createdAt: at,
        updatedAt: at,
      })
    }
  }
  return reports
}

/** A unit's zeal, from its place in the bloc: units differ in how much they did, so that a year has a ranking to make. */
const zealOf = (index: number, units: number) => 0.55 + (0.45 * ((index * 7) % units)) / Math.max(1, units - 1)

/**
 * One revoked demo device per unit, for a cadre of it, to push the demo's visits through: it
 * cannot be used to sign in. Not the cadre whose enrollment link `npm start` prints: that one's
 * phone list stays empty, and their phone gets nothing of the demo back as its own.
 */
async function demoPushers(trx: Transaction<Database>, units: { id: string }[], year: number, at: string): Promise<Map<string, Pusher>> {
  const pushers = new Map<string, Pusher>()
  for (const unit of units) {
    const cadre = await trx.selectFrom('member').selectAll().where('unit_id', '=', unit.id).where('role', '=', 'cadre').orderBy('name', 'desc').executeTakeFirst()
    if (!cadre) continue
    const deviceId = randomUUID()
    await trx
      .insertInto('device')
      .values({ id: deviceId, member_id: cadre.id, name: `Máy dữ liệu mẫu năm ${year}`, token_hash: `demo-${deviceId}`, enrolled_at: at, revoked_at: at, last_seen_at: at })
      .execute()
    pushers.set(unit.id, { deviceId, member: toMember(cadre) })
  }
  return pushers
}

/** The communes each unit is assigned in `year`, by name. */
const assignedIn = (db: Kysely<Database>, year: number) =>
  db
    .selectFrom('assignment')
    .innerJoin('commune', 'commune.id', 'assignment.commune_id')
    .select(['assignment.unit_id', 'commune.id', 'commune.name'])
    .where('assignment.year', '=', year)
    .orderBy('commune.name')
    .execute()

async function pushAll(db: Kysely<Database>, pusher: Pusher, reports: PushedReport[], receivedAt: (report: PushedReport) => Date): Promise<void> {
  for (const report of reports) {
    const { results } = await pushReports(db, pusher, { reports: [report] }, receivedAt(report))
    const refused = results.find((result) => result.outcome === 'rejected')
    if (refused) throw new Error(`demo: a report was refused: ${JSON.stringify(refused)}`)
  }
}

/**
 * Last year in the demo bloc: this year's commitments, signed on the same day a year before,
 * with a year of visits from every unit (the same on every machine, people fictional), now
 * being evaluated, so that a newcomer can score, rank, vote and print a whole year right after
 * `npm start`. The visits come in through the push, as phones send them. Answers false when the
 * bloc already has last year's covenant.
 */
export async function loadDemoYear(db: Kysely<Database>, blocId: string, now = new Date()): Promise<boolean> {
  const current = await db.selectFrom('covenant').selectAll().where('bloc_id', '=', blocId).where('year', '=', now.getFullYear()).where('status', '=', 'signed').executeTakeFirst()
  if (!current) return false
  const year = current.year - 1
  if (await db.selectFrom('covenant').select('id').where('bloc_id', '=', current.bloc_id).where('year', '=', year).executeTakeFirst()) return false
  const covenantId = randomUUID()
  const positions = new Map<number, string>()
  const units = await db.selectFrom('unit').select(['id', 'name']).where('bloc_id', '=', current.bloc_id).orderBy('name').execute()
  const at = `${year}-12-31T10:00:00.000Z`

  const pushers = await db.transaction().execute(async (trx) => {
    const rev = await nextRevision(trx)
    await trx
      .insertInto('covenant')
      .values({
        id: covenantId,
        bloc_id: current.bloc_id,
        year,
        slogan: current.slogan,
        status: 'evaluating',
        signed_at: current.signed_at?.replace(/^\d{4}/, String(year)) ?? null,
        rev,
        demo: 1,
      })
      .execute()
    const commitments = await trx.selectFrom('commitment').selectAll().where('covenant_id', '=', current.id).orderBy('position').execute()
    const copies = commitments.map((row) => ({ ...row, id: randomUUID(), covenant_id: covenantId, retired_at: null, rev }))
    for (const copy of copies) positions.set(copy.position, copy.id)
    await trx.insertInto('commitment').values(copies).execute()
    const assigned = await trx.selectFrom('assignment').selectAll().where('year', '=', current.year).where('unit_id', 'in', unitsOf(trx, blocId)).execute()
    if (assigned.length)
      await trx
        .insertInto('assignment')
        .values(assigned.map((row) => ({ ...row, year, rev })))
        .execute()
    return demoPushers(trx, units, year, at)
  })

  const communes = await assignedIn(db, year)
  for (const [index, unit] of units.entries()) {
    const pusher = pushers.get(unit.id)
    if (!pusher) continue
    const reports = visitsOf(
      { id: unit.id, zeal: zealOf(index, units.length) },
      communes.filter((row) => row.unit_id === unit.id),
      covenantId,
      year,
      (order) => positions.get(order),
      seeded(2020 + index),
      [6, 12],
    )
    await pushAll(db, pusher, reports, () => new Date(at))
  }
  return true
}

const CAPTIONS = ['Trao quà cho hộ nghèo', 'Làm việc với UBND xã', 'Khảo sát mô hình sinh kế', 'Đường bê tông nội thôn', 'Sinh hoạt chi bộ thôn', 'Thăm hộ được hỗ trợ']

/**
 * This year so far in the demo bloc: every unit's visits to its communes from January to
 * yesterday, as for last year, each with one or two photos drawn by `demoPhoto` and received
 * as a finished upload would be, so that the matrix, the gallery and the commune pages of a
 * new endpoint look like a bloc at work. Each visit reaches the endpoint on its own day.
 * Answers false when the demo's people already reported this year.
 */
export async function loadDemoThisYear(db: Kysely<Database>, blocId: string, photos: PhotoStore, now = new Date()): Promise<boolean> {
  const covenant = await db
    .selectFrom('covenant')
    .selectAll()
    .where('bloc_id', '=', blocId)
    .where('year', '=', now.getFullYear())
    .where('status', '=', 'signed')
    .where('demo', '=', 1)
    .executeTakeFirst()
  if (!covenant) return false
  if (await db.selectFrom('report').select('id').where('covenant_id', '=', covenant.id).limit(1).executeTakeFirst()) return false
  const positions = new Map((await db.selectFrom('commitment').select(['id', 'position']).where('covenant_id', '=', covenant.id).execute()).map((row) => [row.position, row.id]))
  const units = await db.selectFrom('unit').select(['id', 'name']).where('bloc_id', '=', covenant.bloc_id).orderBy('name').execute()
  // Today in Vietnam (UTC+7): the visits end yesterday.
  const today = new Date(now.getTime() + 7 * 3600 * 1000).toISOString().slice(0, 10)
  const pushers = await db.transaction().execute((trx) => demoPushers(trx, units, covenant.year, `${covenant.year}-01-02T01:00:00.000Z`))
  const communes = await assignedIn(db, covenant.year)

  for (const [index, unit] of units.entries()) {
    const pusher = pushers.get(unit.id)
    if (!pusher) continue
    const random = seeded(3030 + index)
    const visits = visitsOf(
      { id: unit.id, zeal: zealOf(index, units.length) },
      communes.filter((row) => row.unit_id === unit.id),
      covenant.id,
      covenant.year,
      (order) => positions.get(order),
      random,
      // Quarterly, so that a bloc looked at in any month has its figures.
      [3, 6, 9, 12],
    ).filter((report) => report.visitDate < today)
    const bytes = new Map<string, Buffer>()
    const reports = visits.map((report) => {
      const month = Number(report.visitDate.slice(5, 7))
      // 09:15 in Vietnam, on the day of the visit.
      const takenAt = `${report.visitDate}T02:15:00.000Z`
      const photos = Array.from({ length: random() < 0.25 ? 2 : 1 }, (_, index): PushedPhoto => {
        const jpeg = demoPhoto(month, random)
        const photo = {
          id: randomUUID(),
          sha256: createHash('sha256').update(jpeg).digest('hex'),
          size: jpeg.length,
          type: 'image/jpeg' as const,
          width: DEMO_PHOTO.width,
          height: DEMO_PHOTO.height,
          caption: CAPTIONS[Math.floor(random() * CAPTIONS.length)] ?? '',
          takenAt,
          capturedAt: takenAt,
          capturedLatitude: null,
          capturedLongitude: null,
        }
        bytes.set(photo.id, jpeg)
        return { ...photo, takenAt: index ? `${report.visitDate}T02:40:00.000Z` : takenAt }
      })
      return { ...report, photos, createdAt: takenAt, updatedAt: takenAt }
    })
    const receivedAt = (report: PushedReport) => new Date(`${report.visitDate}T10:00:00.000Z`)
    await pushAll(db, pusher, reports, receivedAt)
    for (const report of reports)
      for (const photo of report.photos) {
        const jpeg = bytes.get(photo.id)
        if (!jpeg) continue
        await photos.putBytes(jpeg, photos.dir, { sha256: photo.sha256, type: 'image/jpeg' })
        await recordPhotoBlob(db, { sha256: photo.sha256, size: jpeg.length, type: 'image/jpeg' }, report.unitId, receivedAt(report))
      }
  }
  return true
}
