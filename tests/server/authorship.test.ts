import { beforeAll, describe, expect, it } from 'vitest'
import type { ReportDetail } from '../../src/protocol'
import { pushMessages } from '../../server/messages'
import { fieldOf, pushOne, reportOf, type Field } from './field'
import { buildTestApp, enrolledAs } from './helper'
import { ADMIN_PASSWORD, logIn } from './managers'

/**
 * A phone changes only what its own member wrote: another cadre of the same unit, whose phone
 * learns the report's id from the pull's reviews, cannot overwrite it. Every accepted revision
 * is kept with the device and member that sent it, and the report's page says who wrote what
 * and what each revision changed.
 */

type App = Awaited<ReturnType<typeof buildTestApp>>
let app: App
let dua: Field
let pao: Field
let admin: { authorization: string }

beforeAll(async () => {
  app = await buildTestApp({ ADMIN_PASSWORD })
  admin = await logIn(app, 'admin', ADMIN_PASSWORD)
  // Two cadres of Ban Dân vận.
  dua = await fieldOf(app, 'Lý Thị Dua')
  pao = await fieldOf(app, 'Sùng Mí Páo')
}, 60_000)

const detail = async (id: string) => (await app.inject({ method: 'GET', url: `/api/reports/${id}`, headers: admin })).json<ReportDetail>()

describe('who may change a report', () => {
  it('refuses a newer revision from another member of the unit, and keeps the author’s', async () => {
    const report = reportOf(dua)
    expect((await pushOne(app, dua, report)).outcome).toBe('accepted')
    const takeover = { ...report, summary: 'Sửa thay người khác', revision: 2 }
    expect(await pushOne(app, pao, takeover)).toMatchObject({ outcome: 'rejected', code: 'not_author', reason: pushMessages.notAuthor })
    expect(await detail(report.id)).toMatchObject({ summary: report.summary, revision: 1, authorName: 'Lý Thị Dua' })
  })

  it('lets the author change it again from another phone of theirs, and keeps every revision with who, where and what changed', async () => {
    const report = reportOf(dua)
    await pushOne(app, dua, report)
    expect((await pushOne(app, dua, { ...report, summary: 'Thăm 6 hộ nghèo ở thôn Lũng Pù', revision: 2 })).outcome).toBe('accepted')
    // The same cadre on a new phone: enrolled again, the same member.
    const newPhone = { ...dua, headers: await enrolledAs(app, 'Lý Thị Dua') }
    const third = { ...report, summary: 'Thăm 6 hộ nghèo ở thôn Lũng Pù', entries: report.entries.map((entry) => ({ ...entry, note: 'Có biên bản' })), revision: 3 }
    expect((await pushOne(app, newPhone, third)).outcome).toBe('accepted')

    const { revisions } = await detail(report.id)
    expect(revisions.map(({ revision, authorName, changed }) => ({ revision, authorName, changed }))).toEqual([
      { revision: 1, authorName: 'Lý Thị Dua', changed: [] },
      { revision: 2, authorName: 'Lý Thị Dua', changed: ['summary'] },
      { revision: 3, authorName: 'Lý Thị Dua', changed: ['entries'] },
    ])
    const devices = await app.db.selectFrom('report_revision').select('device_id').where('report_id', '=', report.id).orderBy('revision').execute()
    expect(devices[0]?.device_id).toBe(devices[1]?.device_id)
    expect(devices[2]?.device_id).not.toBe(devices[1]?.device_id)
    const bodies = await app.db.selectFrom('report_revision').select('body').where('report_id', '=', report.id).orderBy('revision').execute()
    expect(bodies.map((row) => (JSON.parse(row.body) as { summary: string }).summary)).toEqual([report.summary, 'Thăm 6 hộ nghèo ở thôn Lũng Pù', 'Thăm 6 hộ nghèo ở thôn Lũng Pù'])
  })

  it('keeps one revision for the same revision sent twice', async () => {
    const report = reportOf(dua)
    await pushOne(app, dua, report)
    expect((await pushOne(app, dua, report)).outcome).toBe('duplicate')
    expect((await detail(report.id)).revisions).toHaveLength(1)
  })
})
