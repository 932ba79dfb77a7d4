import type { Kysely, Selectable, Transaction } from 'kysely'
import { checkReport, groupBy, isTouched, type Commitment, type Member, type Problem, type Report } from '../../src/domain'
import type { DeviceStatus, PushedReport, PushRequest, PushResponse, PushResult, RejectionCode } from '../../src/protocol'
import type { CovenantTable, Database, ReportTable } from '../db/schema'
import { inTransaction, lockedFor } from '../db/database'
import { pushMessages } from '../messages'
import { missingPhotos, receivedByUnit } from './photos'
import { pushExemplars } from './exemplars'
import { contentHash, nextReceipts } from './receipts'
import { removedPhotos, removedReports } from './removals'
import { activeCovenant, toCommitment } from './reference'

/** The phone pushing, as `requireDevice` found it. */
export interface Pusher {
  deviceId: string
  member: Member
}

/** What every report of a push is checked against. */
interface Rules {
  unitId: string
  /** The covenants of the unit's bloc the push's reports name, with what a report is checked against. */
  covenants: Map<string, CovenantRules>
  /** Reports held whose latest review asks for more, at the revision it asked about. */
  askedForMore: Map<string, number>
  /** Reports of the batch the admin removed, with their unit and the reason: never taken again. */
  removed: Map<string, { unitId: string; reason: string }>
  /** Photos of the batch's reports the admin removed, as `reportId/photoId`: a revision listing one is stored without it. */
  removedPhotos: Set<string>
  /** The latest visit date allowed: the endpoint's UTC date plus a day, for phones ahead of UTC. */
  today: string
}

/** One covenant a report may be made against: a signed year, or one being evaluated, takes reports; a closed one none. */
interface CovenantRules {
  covenant: Selectable<CovenantTable>
  commitments: Map<string, Commitment>
  /** Communes assigned to the unit for the covenant's year. */
  communeIds: Set<string>
}

interface Rejection {
  code: RejectionCode
  reason: string
}

const DAY = 24 * 60 * 60 * 1000

/**
 * `POST /api/push`: store a batch of reports and answer each by id, all in one transaction, so
 * that the phone marks a report sent only once the endpoint has committed it. The same revision
 * sent again is answered as the first time; see `decide` for the order of the checks. The batch
 * is read and written in a few statements for all its reports, not a few for each: a push of
 * fifty reports costs about a dozen queries.
 */
export async function pushReports(db: Kysely<Database>, pusher: Pusher, request: PushRequest, now = new Date()): Promise<PushResponse> {
  const at = now.toISOString()
  return inTransaction(db, async (trx) => {
    const ids = [...new Set(request.reports.map((report) => report.id))]
    const exemplars = request.exemplars ?? []
    const named = [...request.reports, ...exemplars].map((item) => item.covenantId)
    const rules = await rulesFor(trx, pusher.member.unitId, named, ids, now)
    // Locked: a later revision pushed to another process at once waits, then is decided against this one.
    const held = new Map((ids.length ? await lockedFor(trx, 'update', trx.selectFrom('report').selectAll().where('id', 'in', ids)).execute() : []).map((row) => [row.id, row]))
    const writes: Write[] = []
    const decided = request.reports.map((report) => decide(rules, pusher, held, writes, report, at))
    await writeReports(trx, pusher, rules, writes, at)
    const covenants = new Map([...rules.covenants].map(([id, year]) => [id, year.covenant]))
    const answered = await pushExemplars(trx, pusher, exemplars, covenants, at)
    const missing = await missingPhotos(
      trx,
      [...decided, ...answered].flatMap((item) => (item.outcome === 'rejected' ? [] : [item.id])),
    )
    await recordDevice(trx, pusher.deviceId, request.device, at)
    return {
      results: decided.map((item) => answerOf(item, held, missing)),
      exemplars: answered.map((item) => (item.outcome === 'rejected' ? item : { ...item, missingPhotos: missing.get(item.id) ?? [] })),
    }
  })
}

/** The covenants the batch names (of the unit's bloc only), their commitments and the unit's communes, in a few statements. */
async function rulesFor(trx: Transaction<Database>, unitId: string, namedIds: readonly string[], ids: string[], now: Date): Promise<Rules> {
  const unit = await trx.selectFrom('unit').select('bloc_id').where('id', '=', unitId).executeTakeFirstOrThrow()
  const named = [...new Set(namedIds)]
  const active = await activeCovenant(trx, unit.bloc_id)
  // A signed year takes reports while it is the bloc's active one; an older signed one stays as it is.
  const covenants = (named.length ? await trx.selectFrom('covenant').selectAll().where('bloc_id', '=', unit.bloc_id).where('id', 'in', named).execute() : []).filter(
    (row) => row.status === 'evaluating' || row.status === 'closed' || (row.status === 'signed' && row.id === active?.id),
  )
  const covenantIds = covenants.map((row) => row.id)
  const commitments = covenantIds.length ? await trx.selectFrom('commitment').selectAll().where('covenant_id', 'in', covenantIds).execute() : []
  const years = [...new Set(covenants.map((row) => row.year))]
  const assigned = years.length ? await trx.selectFrom('assignment').select(['commune_id', 'year']).where('unit_id', '=', unitId).where('year', 'in', years).execute() : []
  const evaluating = covenants.some((row) => row.status === 'evaluating')
  return {
    unitId,
    covenants: new Map(
      covenants.map((covenant) => [
        covenant.id,
        {
          covenant,
          commitments: new Map(commitments.filter((row) => row.covenant_id === covenant.id).map((row) => [row.id, toCommitment(row)])),
          communeIds: new Set(assigned.filter((row) => row.year === covenant.year).map((row) => row.commune_id)),
        },
      ]),
    ),
    askedForMore: evaluating && ids.length ? await askedForMore(trx, ids) : new Map(),
    removed: await removedReports(trx, ids),
    removedPhotos: await removedPhotos(trx, ids),
    today: new Date(now.getTime() + DAY).toISOString().slice(0, 10),
  }
}

/** Of these reports, those whose latest review asks for more, with the revision it asked about. */
async function askedForMore(trx: Transaction<Database>, reportIds: string[]): Promise<Map<string, number>> {
  const reviews = await trx.selectFrom('review').select(['report_id', 'revision', 'status', 'at']).where('report_id', 'in', reportIds).orderBy('at').execute()
  const latest = new Map(reviews.map((row) => [row.report_id, row]))
  return new Map([...latest.values()].filter((row) => row.status === 'needs_more').map((row) => [row.report_id, row.revision]))
}

/** A report to write: new (inserted with the next receipt number) or a newer revision of one held. */
interface Write {
  report: PushedReport
  /** The row as it will be held, and the columns this revision sets. */
  row: Selectable<ReportTable>
  columns: ReturnType<typeof revisionColumns>
  replaces: Selectable<ReportTable> | null
}

/** The outcome of one report, before the answer is written: the row held for it comes from `held`. */
type Decided = { outcome: 'accepted' | 'duplicate' | 'conflict'; id: string } | Extract<PushResult, { outcome: 'rejected' }>

/**
 * One report, against what the endpoint holds (`held`, kept current as the batch is decided,
 * so the same id twice in a push is answered as if sent twice). Another unit's report id, held
 * or removed, is refused exactly like a wrong `unitId`, so the answer tells nothing of it; a report of
 * the unit written by another member is refused as not theirs to change. What the
 * endpoint already holds is answered before the report is checked: a phone retrying after a
 * lost answer hears "duplicate" even if the year has closed.
 */
function decide(rules: Rules, pusher: Pusher, held: Map<string, Selectable<ReportTable>>, writes: Write[], report: PushedReport, at: string): Decided {
  const stored = held.get(report.id)
  const removal = rules.removed.get(report.id)
  const heldFor = stored?.unit_id ?? removal?.unitId ?? rules.unitId
  if (report.unitId !== rules.unitId || heldFor !== rules.unitId) {
    return { outcome: 'rejected', id: report.id, code: 'wrong_unit', reason: pushMessages.wrongUnit }
  }
  // A phone changes only what its own member wrote (on this phone or an earlier one of theirs).
  if (stored && stored.author_id !== pusher.member.id) return { outcome: 'rejected', id: report.id, code: 'not_author', reason: pushMessages.notAuthor }
  if (removal) return { outcome: 'rejected', id: report.id, code: 'removed', reason: pushMessages.removed(removal.reason) }
  const hash = contentHash(report)
  if (stored && stored.revision === report.revision && stored.content_hash === hash) return { outcome: 'duplicate', id: report.id }
  if (stored && stored.revision >= report.revision) return { outcome: 'conflict', id: report.id }
  const rejection = check(report, rules, stored)
  if (rejection) return { outcome: 'rejected', id: report.id, ...rejection }
  // A newer revision keeps its receipt number; a new report's is given when the batch is written.
  const columns = revisionColumns(report, hash, at)
  const row: Selectable<ReportTable> = stored
    ? { ...stored, ...columns }
    : { id: report.id, unit_id: report.unitId, author_id: pusher.member.id, device_id: pusher.deviceId, receipt_number: '', ...columns }
  writes.push({ report, row, columns, replaces: stored ?? null })
  held.set(report.id, row)
  return { outcome: 'accepted', id: report.id }
}

/** How the endpoint answers for a report, from the row it now holds. */
function answerOf(item: Decided, held: Map<string, Selectable<ReportTable>>, missing: Map<string, string[]>): PushResult {
  if (item.outcome === 'rejected') return item
  const row = held.get(item.id)
  if (!row) throw new Error(`report ${item.id} decided but not held`)
  const stored = { id: row.id, receipt: { number: row.receipt_number, committedAt: row.committed_at }, revision: row.revision, missingPhotos: missing.get(row.id) ?? [] }
  return item.outcome === 'conflict' ? { outcome: 'conflict', ...stored, current: JSON.parse(row.body) as PushedReport } : { outcome: item.outcome, ...stored }
}

/**
 * The first reason, in order, not to store a report; null when it may be stored. A year being
 * evaluated still takes that year's visits (a phone that queued them around New Year is not
 * refused), but a report already sent changes then only when a reviewer asked for more, so
 * the suggestions do not move under the scorers. A closed year takes nothing.
 */
function check(report: PushedReport, rules: Rules, stored: Selectable<ReportTable> | undefined): Rejection | null {
  const year = rules.covenants.get(report.covenantId)
  if (!year) return { code: 'covenant_not_active', reason: pushMessages.covenantNotActive }
  const { covenant, commitments, communeIds } = year
  if (covenant.status === 'closed') return { code: 'covenant_not_active', reason: pushMessages.covenantClosed(covenant.year) }
  if (covenant.status === 'evaluating') {
    if (!report.visitDate.startsWith(`${covenant.year}-`)) return { code: 'invalid', reason: pushMessages.visitOutsideYear(covenant.year) }
    if (stored && rules.askedForMore.get(report.id) !== stored.revision) return { code: 'invalid', reason: pushMessages.correctionNotAsked(covenant.year) }
  }
  if (!communeIds.has(report.communeId)) return { code: 'commune_not_assigned', reason: pushMessages.communeNotAssigned(covenant.year) }
  if (report.entries.some((entry) => !commitments.has(entry.commitmentId))) return { code: 'unknown_commitment', reason: pushMessages.unknownCommitment(covenant.year) }
  const problem = repeated(report) ?? checkReport(asReport(report), [...commitments.values()], rules.today)[0]
  return problem ? { code: 'invalid', reason: reasonFor(problem, commitments) } : null
}

/** The domain's view of a pushed report, for the rules the phone checked before queueing it. */
function asReport({ photos, ...report }: PushedReport): Report {
  return { ...report, authorId: '', photoIds: photos.map((photo) => photo.id), state: 'queued', rejection: null, receipt: null }
}

/** A commitment or a photo listed twice: the phone never does it, and the tables could not hold it. */
function repeated(report: PushedReport): Problem | null {
  const seen = new Set<string>()
  for (const entry of report.entries) {
    if (seen.has(entry.commitmentId)) return { field: `entries.${entry.commitmentId}`, rule: 'duplicate' }
    seen.add(entry.commitmentId)
  }
  const photoIds = report.photos.map((photo) => photo.id)
  return new Set(photoIds).size === photoIds.length ? null : { field: 'photos', rule: 'duplicate' }
}

/** A broken rule in the words of the report form; an entry's names its commitment. */
function reasonFor({ field, rule }: Problem, commitments: Map<string, Commitment>): string {
  const title = commitments.get(field.replace(/^entries\./, ''))?.title
  const reason = title ? pushMessages.entryRules[rule]?.(title) : pushMessages.rules[`${field}:${rule}`]
  return reason ?? pushMessages.invalid
}

/** The columns each revision replaces. */
function revisionColumns(report: PushedReport, hash: string, at: string) {
  return {
    commune_id: report.communeId,
    covenant_id: report.covenantId,
    visit_date: report.visitDate,
    visit_time: report.visitTime,
    summary: report.summary,
    latitude: report.location?.latitude ?? null,
    longitude: report.location?.longitude ?? null,
    accuracy: report.location?.accuracy ?? null,
    located_at: report.location?.takenAt ?? null,
    revision: report.revision,
    content_hash: hash,
    body: JSON.stringify(report),
    committed_at: at,
    created_at: report.createdAt,
    updated_at: report.updatedAt,
  }
}

/**
 * Write the batch's accepted reports: new ones with their receipt numbers, newer revisions over
 * the old; then their entries and photo lists, and each revision as sent, each table in one
 * statement for the batch.
 */
async function writeReports(trx: Transaction<Database>, pusher: Pusher, rules: Rules, writes: Write[], at: string): Promise<void> {
  if (!writes.length) return
  const fresh = writes.filter((write) => !write.replaces)
  if (fresh.length) {
    // Each report is numbered in its covenant's year.
    for (const [year, ofYear] of groupBy(fresh, (write) => rules.covenants.get(write.report.covenantId)?.covenant.year ?? new Date(at).getUTCFullYear())) {
      const receipts = await nextReceipts(trx, year, ofYear.length)
      ofYear.forEach((write, index) => (write.row.receipt_number = receipts[index] ?? ''))
    }
    await trx
      .insertInto('report')
      .values(fresh.map((write) => write.row))
      .execute()
  }
  const replaced = writes.filter((write) => write.replaces)
  for (const { row, columns } of replaced) await trx.updateTable('report').set(columns).where('id', '=', row.id).execute()
  if (replaced.length)
    await trx
      .deleteFrom('report_entry')
      .where(
        'report_id',
        'in',
        replaced.map((write) => write.row.id),
      )
      .execute()
  const entries = writes.flatMap(({ report }) =>
    report.entries.filter(isTouched).map((entry) => ({ report_id: report.id, commitment_id: entry.commitmentId, status: entry.status, amount: entry.amount, note: entry.note })),
  )
  if (entries.length) await trx.insertInto('report_entry').values(entries).execute()
  await replacePhotos(
    trx,
    rules.unitId,
    writes,
    replaced.map((write) => write.row.id),
    rules.removedPhotos,
    at,
  )
  // Every accepted revision is kept, with the device and member that sent it.
  await trx
    .insertInto('report_revision')
    .values(writes.map(({ row }) => ({ report_id: row.id, revision: row.revision, device_id: pusher.deviceId, member_id: pusher.member.id, committed_at: at, body: row.body })))
    .execute()
}

/**
 * Each report's photo list becomes the pushed one. A photo no longer listed goes if its bytes
 * never came; a received one stays, marked removed: evidence is never thrown away. A listed
 * photo whose bytes the unit already sent (before, or in another report) is received at once,
 * without an upload (`receivedByUnit`). A photo the admin removed (`removed`) is not taken back.
 */
async function replacePhotos(trx: Transaction<Database>, unitId: string, writes: Write[], replacedIds: string[], removed: Set<string>, at: string): Promise<void> {
  const before = replacedIds.length ? await trx.selectFrom('photo').select(['report_id', 'id', 'sha256', 'received_at']).where('report_id', 'in', replacedIds).execute() : []
  const listed = new Set(writes.flatMap(({ report }) => report.photos.map((photo) => `${report.id}/${photo.id}`)))
  const gone = before.filter((row) => !listed.has(`${row.report_id}/${row.id}`))
  for (const reportId of new Set(gone.map((row) => row.report_id))) {
    const ids = gone.filter((row) => row.report_id === reportId).map((row) => row.id)
    await trx.deleteFrom('photo').where('report_id', '=', reportId).where('id', 'in', ids).where('received_at', 'is', null).execute()
    await trx.updateTable('photo').set({ removed_at: at }).where('report_id', '=', reportId).where('id', 'in', ids).where('removed_at', 'is', null).execute()
  }
  const photos = writes.flatMap(({ report }) =>
    report.photos.map((photo, position) => ({ reportId: report.id, photo, position })).filter(({ reportId, photo }) => !removed.has(`${reportId}/${photo.id}`)),
  )
  if (!photos.length) return
  const stored = await receivedByUnit(trx, unitId, [...new Set(photos.map(({ photo }) => photo.sha256))])
  const rows = photos.map(({ reportId, photo, position }) => {
    const earlier = before.find((row) => row.report_id === reportId && row.id === photo.id)
    const receivedAt = !stored.has(photo.sha256) ? null : earlier?.sha256 === photo.sha256 && earlier.received_at ? earlier.received_at : at
    return {
      report_id: reportId,
      id: photo.id,
      position,
      sha256: photo.sha256,
      size: photo.size,
      type: photo.type,
      width: photo.width,
      height: photo.height,
      caption: photo.caption,
      taken_at: photo.takenAt,
      received_at: receivedAt,
      removed_at: null,
      captured_at: photo.capturedAt ?? null,
      captured_latitude: photo.capturedLatitude ?? null,
      captured_longitude: photo.capturedLongitude ?? null,
      fingerprint: photo.fingerprint ?? null,
    }
  })
  await trx
    .insertInto('photo')
    .values(rows)
    .onConflict((conflict) =>
      conflict.columns(['report_id', 'id']).doUpdateSet((eb) => ({
        position: eb.ref('excluded.position'),
        sha256: eb.ref('excluded.sha256'),
        size: eb.ref('excluded.size'),
        type: eb.ref('excluded.type'),
        width: eb.ref('excluded.width'),
        height: eb.ref('excluded.height'),
        caption: eb.ref('excluded.caption'),
        taken_at: eb.ref('excluded.taken_at'),
        received_at: eb.ref('excluded.received_at'),
        removed_at: null,
        captured_at: eb.ref('excluded.captured_at'),
        captured_latitude: eb.ref('excluded.captured_latitude'),
        captured_longitude: eb.ref('excluded.captured_longitude'),
        fingerprint: eb.ref('excluded.fingerprint'),
      })),
    )
    .execute()
}

/**
 * `PUT /api/device/status`: what the phone still holds after an exchange (a push and the photos
 * it asked for), so the dashboard's "Chờ gửi" comes to 0 once all is sent.
 */
export async function recordStatus(db: Kysely<Database>, deviceId: string, status: DeviceStatus, now = new Date()): Promise<void> {
  await db.transaction().execute((trx) => recordDevice(trx, deviceId, status, now.toISOString()))
}

async function recordDevice(trx: Transaction<Database>, deviceId: string, status: DeviceStatus | undefined, at: string): Promise<void> {
  await trx
    .updateTable('device')
    .set({ last_push_at: at, ...(status && { app_version: status.appVersion, waiting: status.waiting, free_bytes: status.freeBytes }) })
    .where('id', '=', deviceId)
    .execute()
}
