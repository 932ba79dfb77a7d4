import type { Kysely } from 'kysely'
import { exemplarForPush, reportForPush, sha256Hex, sniffImageType } from '../../src/domain'
import { PUSH_LIMITS, RESCUE_ERROR_CODES, type PushedExemplar, type PushedReport, type PushResponse, type RescueUploadResponse } from '../../src/protocol'
import { readRescueFile, RescueFileError, type RescueContent, type RescueProblem } from '../../src/rescue/file'
import type { Database } from '../db/schema'
import { audit } from './audit'
import { notFound, Refusal } from './errors'
import type { PhotoStore } from './photo-store'
import { recordPhotoBlob } from './photos'
import { pushReports } from './push'
import { managedOf, memberWithBloc, toMember } from './reference'
import { mayManage, type Manager } from './scope'

export interface RescueOptions {
  photos: PhotoStore
  /** Beside the photo store, on its disk: files are written here, then linked in. */
  uploadsDir: string
  photoMaxBytes: number
}

const REFUSALS: Record<RescueProblem, [number, (typeof RESCUE_ERROR_CODES)[keyof typeof RESCUE_ERROR_CODES], string]> = {
  damaged: [400, RESCUE_ERROR_CODES.damaged, 'The file is not a whole rescue file'],
  'not-rescue': [400, RESCUE_ERROR_CODES.damaged, 'The file is not a Giao Ước rescue file'],
  'newer-version': [422, RESCUE_ERROR_CODES.newer, 'The file was made by a newer version of the app'],
  altered: [422, RESCUE_ERROR_CODES.altered, 'A part of the file is not what its manifest says: it was changed after it was saved'],
  'passphrase-needed': [400, RESCUE_ERROR_CODES.passphraseNeeded, 'The file is sealed: its passphrase is needed'],
  'wrong-passphrase': [422, RESCUE_ERROR_CODES.wrongPassphrase, 'The passphrase does not open the file'],
}

const tally = () => ({ accepted: 0, duplicate: 0, conflict: 0, rejected: 0 })
const queued = (item: { state: string }) => item.state === 'queued' || item.state === 'sending'

/**
 * `POST /api/members/:memberId/rescue`: a rescue file a member's lead (or the admin) uploads when
 * the member's phone is gone. Checked as the phone checks it (whole, unaltered, the member's),
 * then what the phone had queued goes through the push as the phone would have sent it, from
 * the phone's own device: each report is stored once, whoever sends it and however often.
 * Photos the endpoint lacks are stored when their bytes are what their report says. Drafts and
 * refused items stay the cadre's. Audited with what was done.
 */
export async function receiveRescue(
  db: Kysely<Database>,
  options: RescueOptions,
  manager: Manager,
  memberId: string,
  file: Uint8Array,
  passphrase: string | undefined,
  now = new Date(),
): Promise<RescueUploadResponse> {
  const row = await memberWithBloc(db, memberId)
  if (!row || !mayManage(manager, managedOf(row))) throw notFound('member')
  const member = toMember(row)
  let content: RescueContent
  let deviceId: string
  try {
    const read = await readRescueFile(file, passphrase)
    if (read.manifest.member.id !== member.id) throw new Refusal(422, RESCUE_ERROR_CODES.otherMember, `The file is ${read.manifest.member.name}'s, not ${member.name}'s`)
    content = read.content
    deviceId = read.manifest.deviceId
  } catch (error) {
    if (!(error instanceof RescueFileError)) throw error
    const [status, code, message] = REFUSALS[error.problem]
    throw new Refusal(status, code, message)
  }
  // The work goes in as its own phone's: a device of the member's, revoked or not.
  const device = await db.selectFrom('device').select('id').where('id', '=', deviceId).where('member_id', '=', member.id).executeTakeFirst()
  if (!device) throw new Refusal(422, RESCUE_ERROR_CODES.otherMember, 'The file comes from a phone this member never enrolled')
  const pusher = { deviceId, member }

  const photosOf = (ids: readonly string[]) => content.photos.filter((photo) => ids.includes(photo.id)).sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id))
  const reports: PushedReport[] = content.reports.filter(queued).map((report) => reportForPush(report, photosOf(report.photoIds)))
  const exemplars: PushedExemplar[] = content.exemplars.filter(queued).map((exemplar) => exemplarForPush(exemplar, photosOf(exemplar.photoIds)))

  const answer: RescueUploadResponse = {
    reports: tally(),
    exemplars: tally(),
    photos: { stored: 0, refused: 0 },
    left: {
      drafts: [...content.reports, ...content.exemplars].filter((item) => item.state === 'draft').length,
      refused: [...content.reports, ...content.exemplars].filter((item) => item.state === 'rejected').length,
    },
  }
  const missing = new Set<string>()
  const count = (into: ReturnType<typeof tally>, results: { outcome: keyof ReturnType<typeof tally>; missingPhotos?: string[] }[]) => {
    for (const result of results) {
      into[result.outcome] += 1
      for (const id of result.missingPhotos ?? []) missing.add(id)
    }
  }
  for (let start = 0; start < reports.length; start += PUSH_LIMITS.reports) {
    const response: PushResponse = await pushReports(db, pusher, { reports: reports.slice(start, start + PUSH_LIMITS.reports) }, now)
    count(answer.reports, response.results)
  }
  for (let start = 0; start < exemplars.length; start += PUSH_LIMITS.reports) {
    const response = await pushReports(db, pusher, { reports: [], exemplars: exemplars.slice(start, start + PUSH_LIMITS.reports) }, now)
    count(answer.exemplars, response.exemplars ?? [])
  }

  for (const photo of content.photos) {
    if (!missing.has(photo.id)) continue
    const bytes = photo.bytes
    const whole =
      bytes !== null && bytes.length === photo.size && bytes.length <= options.photoMaxBytes && sniffImageType(bytes) === photo.type && (await sha256Hex(bytes)) === photo.sha256
    if (!whole) {
      answer.photos.refused += 1
      continue
    }
    await options.photos.putBytes(bytes, options.uploadsDir, photo)
    await recordPhotoBlob(db, { sha256: photo.sha256, size: bytes.length, type: photo.type }, pusher.member.unitId, now)
    answer.photos.stored += 1
  }

  await db.transaction().execute((trx) =>
    audit(
      trx,
      manager,
      'rescue.upload',
      member.unitId,
      {
        member: member.name,
        reports: reports.length,
        exemplars: exemplars.length,
        stored: answer.reports.accepted + answer.exemplars.accepted,
        photos: answer.photos.stored,
      },
      now,
    ),
  )
  return answer
}
