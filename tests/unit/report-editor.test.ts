import 'fake-indexeddb/auto'
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { db } from '@/db/database'
import { getReport, saveReport } from '@/db/reports'
import type { Commitment, Covenant } from '@/domain'
import { useFieldStore } from '@/stores/field'
import { useReportEditor } from '@/stores/report-editor'
import { aCommitment, aReport, MADE_AT } from './fixtures'

const covenant: Covenant = { id: 'cov', blocId: 'b', year: 2026, slogan: 'Đoàn kết, sáng tạo', status: 'signed', signedAt: MADE_AT }

const commitment = (id: string, order: number, scope: Commitment['scope'], measure: Commitment['measure'] = 'count'): Commitment =>
  aCommitment({ id, order, title: `Nội dung ${order}`, group: 'Nhóm', measure, target: measure === 'done' ? null : 10, unitLabel: measure === 'count' ? 'lượt' : '', scope })

beforeEach(async () => {
  setActivePinia(createPinia())
  await db.delete()
  await db.open()
  const field = useFieldStore()
  field.data = {
    ...field.data,
    year: 2026,
    enrollment: { key: 'current', deviceId: 'd', deviceName: 'Máy', memberId: 'm1', unitId: 'u1', enrolledAt: MADE_AT, revokedAt: null },
    covenant,
    commitments: [commitment('reform', 1, 'unit', 'done'), commitment('visits', 2, 'commune'), commitment('homes', 3, 'commune')],
  }
})

describe('the report as a checklist', () => {
  it('starts with nothing ticked, the commune’s own commitments first', () => {
    const editor = useReportEditor()
    editor.startNew('lung-cu', new Date(MADE_AT))
    expect(editor.report?.entries).toEqual([])
    expect(editor.commitments.map((item) => item.id)).toEqual(['visits', 'homes', 'reform'])
  })

  it('opens a ticked commitment as in progress, keeps what was written when unticked, and gives it back when ticked again', async () => {
    const editor = useReportEditor()
    editor.startNew('lung-cu', new Date(MADE_AT))
    editor.tick('visits', true)
    expect(editor.report?.entries).toEqual([{ commitmentId: 'visits', status: 'in_progress', amount: null, note: '' }])
    editor.updateEntry('visits', { status: 'done', amount: 3, note: 'ba lượt' })
    editor.tick('homes', true)
    editor.tick('visits', false)
    expect(editor.report?.entries.map((entry) => entry.commitmentId)).toEqual(['homes'])
    editor.tick('visits', true)
    expect(editor.report?.entries.find((entry) => entry.commitmentId === 'visits')).toEqual({ commitmentId: 'visits', status: 'done', amount: 3, note: 'ba lượt' })
    await editor.flush()
    expect((await getReport(editor.report!.id))?.entries).toHaveLength(2)
  })

  it('refuses to send a report with nothing ticked, and sends one with a tick', async () => {
    const editor = useReportEditor()
    editor.startNew('lung-cu', new Date(MADE_AT))
    editor.update({ summary: 'Làm việc với xã' })
    expect(await editor.send(new Date(MADE_AT))).toBe(false)
    expect(editor.problems).toEqual([{ field: 'entries', rule: 'required' }])
    editor.tick('reform', true)
    expect(await editor.send(new Date(MADE_AT))).toBe(true)
    expect((await getReport(editor.report!.id))?.state).toBe('queued')
  })

  it('reads a draft that kept a blank entry for every commitment as ticking only what was filled in', async () => {
    const stored = aReport({
      entries: [
        { commitmentId: 'visits', status: 'done', amount: 1, note: '' },
        { commitmentId: 'homes', status: 'not_started', amount: null, note: '' },
        { commitmentId: 'reform', status: 'not_started', amount: null, note: 'hẹn tháng sau' },
      ],
    })
    await saveReport(stored, new Date(MADE_AT))
    const editor = useReportEditor()
    expect(await editor.open(stored.id)).toBe(true)
    expect(editor.report?.entries.map((entry) => entry.commitmentId)).toEqual(['visits', 'reform'])
  })
})
