import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/domain'
import { RESCUE_PASSPHRASE_HEADER, type ErrorResponse, type RescueUploadResponse } from '../../src/protocol'
import { writeRescueFile, type RescueContent } from '../../src/rescue/file'
import { jpeg, photoOf, reportOf } from './field'
import { testBloc, type TestBloc } from './managers'

let bloc: TestBloc
let cadre: { id: string; name: string; deviceId: string }

beforeAll(async () => {
  bloc = await testBloc()
  const member = await bloc.app.db.selectFrom('member').select(['id', 'name']).where('name', '=', 'Lý Thị Dua').executeTakeFirstOrThrow()
  const device = await bloc.app.db.selectFrom('device').select('id').where('member_id', '=', member.id).executeTakeFirstOrThrow()
  cadre = { ...member, deviceId: device.id }
}, 60_000)

/** A report as the phone keeps it, in `state`, with photos of these bytes. */
function phoneReport(state: Report['state'], ...photos: Buffer[]): { report: Report; photos: RescueContent['photos'] } {
  const listed = photos.map((bytes) => ({ bytes, photo: photoOf(bytes) }))
  const wire = reportOf(bloc.own.field, { photos: listed.map(({ photo }) => photo) })
  const { photos: _wirePhotos, ...fields } = wire
  void _wirePhotos
  return {
    report: { ...fields, authorId: cadre.id, photoIds: listed.map(({ photo }) => photo.id), state, rejection: null, receipt: null },
    photos: listed.map(({ bytes, photo }) => ({ ...photo, reportId: wire.id, location: null, createdAt: photo.takenAt, bytes: new Uint8Array(bytes), thumbnail: null })),
  }
}

async function fileOf(items: ReturnType<typeof phoneReport>[], options: { passphrase?: string; member?: { id: string; name: string } } = {}): Promise<Buffer> {
  const bytes = await writeRescueFile(
    { reports: items.map((item) => item.report), exemplars: [], photos: items.flatMap((item) => item.photos) },
    {
      member: options.member ?? cadre,
      unitId: bloc.own.unitId,
      deviceId: cadre.deviceId,
      appVersion: '1.0.0',
      now: new Date(),
      ...(options.passphrase && { passphrase: options.passphrase }),
    },
  )
  return Buffer.from(bytes)
}

const upload = (headers: Record<string, string>, file: Buffer, memberId = cadre.id, passphrase?: string) =>
  bloc.app.inject({
    method: 'POST',
    url: `/api/members/${memberId}/rescue`,
    headers: { ...headers, 'content-type': 'application/zip', ...(passphrase && { [RESCUE_PASSPHRASE_HEADER]: encodeURIComponent(passphrase) }) },
    payload: file,
  })

describe('POST /api/members/:memberId/rescue', () => {
  it('sends what the phone had queued, stores each report and photo once, leaves drafts and refused ones, and is audited', async () => {
    const queued = phoneReport('queued', jpeg(3_000, 'cứu hộ 1'))
    const sending = phoneReport('sending', jpeg(3_000, 'cứu hộ 2'))
    const file = await fileOf([queued, sending, phoneReport('draft'), phoneReport('rejected')])

    const first = await upload(bloc.own.lead, file)
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json<RescueUploadResponse>()).toEqual({
      reports: { accepted: 2, duplicate: 0, conflict: 0, rejected: 0 },
      exemplars: { accepted: 0, duplicate: 0, conflict: 0, rejected: 0 },
      photos: { stored: 2, refused: 0 },
      left: { drafts: 1, refused: 1 },
    })
    const held = await bloc.app.db.selectFrom('photo').select(['id', 'received_at']).where('report_id', 'in', [queued.report.id, sending.report.id]).execute()
    expect(held.map((row) => row.received_at !== null)).toEqual([true, true])
    const entry = await bloc.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'rescue.upload').orderBy('id', 'desc').executeTakeFirstOrThrow()
    expect(JSON.parse(entry.details)).toEqual({ member: 'Lý Thị Dua', reports: 2, exemplars: 0, stored: 2, photos: 2 })

    // The same file again, by the admin this time: nothing new.
    const again = await upload(bloc.admin, file)
    expect(again.json<RescueUploadResponse>()).toMatchObject({ reports: { accepted: 0, duplicate: 2 }, photos: { stored: 0, refused: 0 } })
    expect(await bloc.app.db.selectFrom('report').select('id').where('id', 'in', [queued.report.id, sending.report.id]).execute()).toHaveLength(2)
  })

  it('opens a sealed file with its passphrase only', async () => {
    const file = await fileOf([phoneReport('queued')], { passphrase: 'mật khẩu tệp' })
    expect((await upload(bloc.own.lead, file)).json<ErrorResponse>()).toMatchObject({ statusCode: 400, code: 'rescue_passphrase_needed' })
    expect((await upload(bloc.own.lead, file, cadre.id, 'sai')).json<ErrorResponse>()).toMatchObject({ statusCode: 422, code: 'rescue_wrong_passphrase' })
    expect((await upload(bloc.own.lead, file, cadre.id, 'mật khẩu tệp')).json<RescueUploadResponse>().reports.accepted).toBe(1)
  })

  it('refuses an altered, cut or foreign file, and stores nothing of it', async () => {
    const item = phoneReport('queued')
    const file = await fileOf([item])
    const parts = unzipSync(new Uint8Array(file))
    const reports = JSON.parse(strFromU8(parts['reports.json'] ?? new Uint8Array())) as Report[]
    const altered = zipSync({ ...parts, 'reports.json': strToU8(JSON.stringify(reports.map((report) => ({ ...report, summary: 'Sửa trong tệp' })))) })
    const someoneElses = await fileOf([item], { member: { id: bloc.own.leadId, name: 'Phạm Thị Lan' } })
    for (const [body, status, code] of [
      [Buffer.from(altered), 422, 'rescue_altered'],
      [file.subarray(0, file.length - 100), 400, 'rescue_damaged'],
      [Buffer.from('không phải tệp zip'), 400, 'rescue_damaged'],
      [someoneElses, 422, 'rescue_other_member'],
    ] as const) {
      const response = await upload(bloc.own.lead, body)
      expect(response.json<ErrorResponse>(), code).toMatchObject({ statusCode: status, code })
    }
    expect(await bloc.app.db.selectFrom('report').select('id').where('id', '=', item.report.id).execute()).toEqual([])
  })

  it('is for the member’s own lead and the admin only', async () => {
    const file = await fileOf([phoneReport('queued')])
    expect((await upload(bloc.other.lead, file)).statusCode).toBe(404)
    expect((await upload({}, file)).statusCode).toBe(401)
    // A phone's token is no manager's session.
    expect((await upload(bloc.own.field.headers, file)).statusCode).toBe(403)
  })

  it('does not store a photo whose bytes are not what its report says', async () => {
    const item = phoneReport('queued', jpeg(3_000, 'ảnh thật'))
    const [photo] = item.photos
    if (!photo) throw new Error('photo')
    // The bytes are swapped for others after the phone listed the photo.
    const swapped = { ...item, photos: [{ ...photo, bytes: new Uint8Array(jpeg(3_000, 'ảnh khác')) }] }
    const answer = (await upload(bloc.own.lead, await fileOf([swapped]))).json<RescueUploadResponse>()
    expect(answer).toMatchObject({ reports: { accepted: 1 }, photos: { stored: 0, refused: 1 } })
  })
})
