import type { Kysely, Selectable, Transaction } from 'kysely'
import { checkExemplar } from '../../src/domain'
import {
  ERROR_CODES,
  type ExemplarEdit,
  type ExemplarResult,
  type ExemplarsQuery,
  type ExemplarsResponse,
  type ExemplarView,
  type PushedExemplar,
  type Receipt,
} from '../../src/protocol'
import type { CovenantTable, Database, Db, ExemplarTable } from '../db/schema'
import { lockedFor } from '../db/database'
import { exemplarMessages } from '../messages'
import { audit } from './audit'
import { invalid, notFound, Refusal } from './errors'
import { covenantFor } from './progress'
import { receivedByUnit } from './photos'
import { unitsOf } from './reference'
import type { Pusher } from './push'
import { contentHash, nextReceipts } from './receipts'
import { scopedUnit, unitScope, type Manager } from './scope'

type Rejected = Extract<ExemplarResult, { outcome: 'rejected' }>
/** An answer before the photos the endpoint waits for are known. */
export type Decided = Rejected | { outcome: 'accepted' | 'duplicate' | 'conflict'; id: string; receipt: Receipt; revision: number }

/**
 * Why an exemplary case may not be stored, or null. Like a report: in a year of the unit's
 * bloc that is signed and followed or being evaluated; a closed year takes nothing more.
 */
function rejectionOf(exemplar: PushedExemplar, covenant: Selectable<CovenantTable>): Rejected | null {
  if (covenant.status === 'closed') return refusal(exemplar, 'covenant_not_active', exemplarMessages.covenantClosed(covenant.year))
  const photoIds = exemplar.photos.map((photo) => photo.id)
  if (new Set(photoIds).size !== photoIds.length) return refusal(exemplar, 'invalid', exemplarMessages.photosDuplicate)
  return null
}

const refusal = ({ id }: PushedExemplar, code: Rejected['code'], reason: string): Rejected => ({ outcome: 'rejected', id, code, reason })

/**
 * Store the push's exemplary cases, each once: the same id, revision and content again is a
 * duplicate with the first receipt; anything else under a held id is a conflict, since once
 * held the case is the lead's to edit on the dashboard, not the phone's. Another unit's id is
 * refused as a wrong unit, so the answer never tells that it exists. Runs in the push's
 * transaction; the caller adds the photos still awaited.
 */
export async function pushExemplars(
  trx: Transaction<Database>,
  pusher: Pusher,
  exemplars: readonly PushedExemplar[],
  /** The covenants the push may be made against (see `rulesFor` in push.ts). */
  covenants: ReadonlyMap<string, Selectable<CovenantTable>>,
  at: string,
): Promise<Decided[]> {
  if (!exemplars.length) return []
  const ids = [...new Set(exemplars.map((exemplar) => exemplar.id))]
  const held = new Map((await lockedFor(trx, 'update', trx.selectFrom('exemplar').selectAll().where('id', 'in', ids)).execute()).map((row) => [row.id, row]))
  const answers: Decided[] = []
  for (const exemplar of exemplars) {
    const stored = held.get(exemplar.id)
    const receiptOf = (row: Selectable<ExemplarTable>) => ({ id: row.id, receipt: { number: row.receipt_number, committedAt: row.committed_at }, revision: row.revision })
    if (exemplar.unitId !== pusher.member.unitId || (stored && stored.unit_id !== pusher.member.unitId)) {
      answers.push(refusal(exemplar, 'wrong_unit', exemplarMessages.wrongUnit))
      continue
    }
    const hash = contentHash(exemplar)
    if (stored) {
      answers.push({ outcome: stored.revision === exemplar.revision && stored.content_hash === hash ? 'duplicate' : 'conflict', ...receiptOf(stored) })
      continue
    }
    const covenant = covenants.get(exemplar.covenantId)
    if (!covenant) {
      answers.push(refusal(exemplar, 'covenant_not_active', exemplarMessages.covenantNotActive))
      continue
    }
    const refused = rejectionOf(exemplar, covenant)
    if (refused) {
      answers.push(refused)
      continue
    }
    const [receipt = ''] = await nextReceipts(trx, covenant.year, 1)
    const row: Selectable<ExemplarTable> = {
      id: exemplar.id,
      unit_id: exemplar.unitId,
      covenant_id: exemplar.covenantId,
      author_id: pusher.member.id,
      device_id: pusher.deviceId,
      kind: exemplar.kind,
      nominee: exemplar.nominee.trim(),
      role: exemplar.role.trim(),
      story: exemplar.story,
      revision: exemplar.revision,
      content_hash: hash,
      receipt_number: receipt,
      committed_at: at,
      created_at: exemplar.createdAt,
      edited_at: null,
      edited_by: null,
    }
    await trx.insertInto('exemplar').values(row).execute()
    await insertPhotos(trx, exemplar, at)
    held.set(row.id, row)
    answers.push({ outcome: 'accepted', ...receiptOf(row) })
  }
  return answers
}

/** The case's photo list; a photo whose bytes the unit already sent is received at once, without an upload (`receivedByUnit`). */
async function insertPhotos(trx: Transaction<Database>, exemplar: PushedExemplar, at: string): Promise<void> {
  if (!exemplar.photos.length) return
  const stored = await receivedByUnit(trx, exemplar.unitId, [...new Set(exemplar.photos.map((photo) => photo.sha256))])
  await trx
    .insertInto('exemplar_photo')
    .values(
      exemplar.photos.map((photo, position) => ({
        exemplar_id: exemplar.id,
        id: photo.id,
        position,
        sha256: photo.sha256,
        size: photo.size,
        type: photo.type,
        width: photo.width,
        height: photo.height,
        caption: photo.caption,
        taken_at: photo.takenAt,
        received_at: stored.has(photo.sha256) ? at : null,
      })),
    )
    .execute()
}

/** `GET /api/exemplars`: the year's cases, newest first; a lead sees their own unit's. */
export async function listExemplars(db: Kysely<Database>, manager: Manager, query: ExemplarsQuery): Promise<ExemplarsResponse> {
  const unitId = await scopedUnit(db, manager, query.unitId)
  const covenant = await covenantFor(db, manager.blocId, query.year)
  if (!covenant) return { exemplars: [] }
  let rows = db
    .selectFrom('exemplar')
    .innerJoin('unit', 'unit.id', 'exemplar.unit_id')
    .innerJoin('member as author', 'author.id', 'exemplar.author_id')
    .leftJoin('member as editor', 'editor.id', 'exemplar.edited_by')
    .selectAll('exemplar')
    .select(['unit.name as unit_name', 'author.name as author_name', 'editor.name as editor_name'])
    .where('exemplar.covenant_id', '=', covenant.id)
  if (unitId) rows = rows.where('exemplar.unit_id', '=', unitId)
  const found = await rows.orderBy('exemplar.committed_at', 'desc').execute()
  const ids = found.map((row) => row.id)
  const [photos, proposals] = ids.length
    ? await Promise.all([
        db.selectFrom('exemplar_photo').selectAll().where('exemplar_id', 'in', ids).orderBy('position').execute(),
        db.selectFrom('proposal').select(['id', 'exemplar_id']).where('exemplar_id', 'in', ids).execute(),
      ])
    : [[], []]
  return {
    exemplars: found.map((row) => ({
      id: row.id,
      covenantId: row.covenant_id,
      unitId: row.unit_id,
      unitName: row.unit_name,
      authorName: row.author_name,
      kind: row.kind,
      nominee: row.nominee,
      role: row.role,
      story: row.story,
      photos: photos
        .filter((photo) => photo.exemplar_id === row.id)
        .map((photo) => ({
          id: photo.id,
          caption: photo.caption,
          width: photo.width,
          height: photo.height,
          size: photo.size,
          takenAt: photo.taken_at,
          received: photo.received_at !== null,
        })),
      receipt: { number: row.receipt_number, committedAt: row.committed_at },
      createdAt: row.created_at,
      editedAt: row.edited_at,
      editedByName: row.editor_name,
      proposalIds: proposals.filter((proposal) => proposal.exemplar_id === row.id).map((proposal) => proposal.id),
    })),
  }
}

/** A case in the manager's scope, or 404 whether it is another unit's or does not exist. */
async function exemplarInScope(db: Db, manager: Manager, exemplarId: string): Promise<Selectable<ExemplarTable>> {
  const row = await db
    .selectFrom('exemplar')
    .selectAll('exemplar')
    .where('exemplar.id', '=', exemplarId)
    .where('exemplar.unit_id', 'in', unitsOf(db, manager.blocId))
    .executeTakeFirst()
  if (!row || (unitScope(manager) !== null && row.unit_id !== manager.unitId)) throw notFound('exemplar')
  return row
}

/**
 * `PUT /api/exemplars/:exemplarId`: the unit's lead or the admin sets the words of a case right,
 * audited with before and after. A closed year's cases no longer change (409).
 */
export async function editExemplar(db: Kysely<Database>, manager: Manager, exemplarId: string, body: ExemplarEdit, now = new Date()): Promise<ExemplarView> {
  const year = await db.transaction().execute(async (trx) => {
    const row = await exemplarInScope(trx, manager, exemplarId)
    const covenant = await trx.selectFrom('covenant').select(['year', 'status']).where('id', '=', row.covenant_id).executeTakeFirstOrThrow()
    if (covenant.status === 'closed') throw new Refusal(409, ERROR_CODES.yearClosed, `The ${covenant.year} covenant is closed: its exemplary cases can no longer change`)
    const problems = checkExemplar({ ...body, photoIds: [] })
    if (problems.length) throw invalid('The exemplary case is not valid', problems)
    const after = { kind: body.kind, nominee: body.nominee.trim(), role: body.role.trim(), story: body.story }
    await trx
      .updateTable('exemplar')
      .set({ ...after, edited_at: now.toISOString(), edited_by: manager.id })
      .where('id', '=', exemplarId)
      .execute()
    const changed = (['kind', 'nominee', 'role', 'story'] as const).filter((key) => row[key] !== after[key])
    const details = Object.fromEntries(
      changed.flatMap((key) => [
        [`${key}Before`, row[key]],
        [key, after[key]],
      ]),
    )
    await audit(trx, manager, 'exemplar.edit', row.unit_id, { year: covenant.year, receipt: row.receipt_number, ...details }, now)
    return covenant.year
  })
  const { exemplars } = await listExemplars(db, manager, { year })
  const view = exemplars.find((item) => item.id === exemplarId)
  if (!view) throw notFound('exemplar')
  return view
}

/** A received photo of a case in the manager's scope, to serve from the store. */
export async function exemplarPhotoInScope(db: Kysely<Database>, manager: Manager, exemplarId: string, photoId: string) {
  await exemplarInScope(db, manager, exemplarId)
  const photo = await db
    .selectFrom('exemplar_photo')
    .innerJoin('photo_blob', 'photo_blob.sha256', 'exemplar_photo.sha256')
    .select(['exemplar_photo.sha256', 'photo_blob.type', 'exemplar_photo.received_at'])
    .where('exemplar_photo.exemplar_id', '=', exemplarId)
    .where('exemplar_photo.id', '=', photoId)
    .executeTakeFirst()
  if (!photo?.received_at) throw new Refusal(404, ERROR_CODES.notFound, 'No such photo, or not received yet')
  return { sha256: photo.sha256, type: photo.type }
}
