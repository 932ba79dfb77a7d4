// @vitest-environment node
// (Node's Blob survives structuredClone, and so fake-indexeddb, whole; the DOM test environment's does not.)
import 'fake-indexeddb/auto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { db } from '@/db/database'
import { getExemplar } from '@/db/exemplars'
import { EXEMPLAR_LIMITS, type Covenant } from '@/domain'
import { useExemplarEditor } from '@/stores/exemplar-editor'
import { useFieldStore } from '@/stores/field'
import { aPhoto } from './fixtures'

const covenant: Covenant = { id: 'cov-2026', blocId: 'bloc', year: 2026, slogan: '', status: 'signed', signedAt: '2026-02-14' }
const enrollment = { key: 'current' as const, deviceId: 'd1', deviceName: 'Máy thử', memberId: 'm1', unitId: 'u1', enrolledAt: '2026-01-05T00:00:00.000Z', revokedAt: null }

/** A photo as `preparePhoto` hands it to the editor. */
function processed() {
  const { blob, thumbnail, type, size, width, height, sha256, takenAt } = aPhoto('x')
  return { blob, thumbnail, type, size, width, height, sha256, takenAt }
}

/** The phone as the field store reads it: enrolled, following this year's covenant unless told otherwise. */
function phone(withCovenant = true) {
  const field = useFieldStore()
  field.data = { ...field.data, enrollment, covenant: withCovenant ? covenant : null }
  return useExemplarEditor()
}

/** A new case with a name and a story, ready to send. */
function written() {
  const editor = phone()
  editor.startNew()
  editor.update({ kind: 'collective', nominee: 'Chi đoàn thôn Lũng Pù', role: 'Xã Sơn Vĩ', story: 'Làm 2 km đường bê tông cùng bà con.' })
  return editor
}

beforeEach(async () => {
  setActivePinia(createPinia())
  await db.delete()
  await db.open()
})

afterEach(() => {
  vi.useRealTimers()
})

describe('putting forward an exemplary case from the phone', () => {
  it('starts a case for the covenant the phone follows, by the enrolled member, and stores nothing until it changes', async () => {
    const editor = phone()
    expect(editor.canCreate).toBe(true)
    expect(editor.startNew()).toBe(true)
    expect(editor.exemplar).toMatchObject({ unitId: 'u1', authorId: 'm1', covenantId: 'cov-2026', kind: 'individual', state: 'draft' })
    expect(editor.editable).toBe(true)
    await editor.flush()
    expect(await db.exemplars.count()).toBe(0)
  })

  it('may be put forward for an earlier year the bloc is still evaluating', async () => {
    const editor = phone()
    const field = useFieldStore()
    field.data = { ...field.data, evaluating: [{ covenantId: 'cov-2025', year: 2025 }] }
    editor.startNew()
    expect(editor.years).toEqual([
      { covenantId: 'cov-2026', year: 2026, evaluating: false },
      { covenantId: 'cov-2025', year: 2025, evaluating: true },
    ])
    editor.update({ covenantId: 'cov-2025', nominee: 'Giàng A Páo', story: 'Hiến đất làm đường.' })
    expect(await editor.send()).toBe(true)
    expect(await getExemplar(editor.exemplar!.id)).toMatchObject({ covenantId: 'cov-2025', state: 'queued' })
  })

  it('cannot start a case on a phone without a covenant', () => {
    const editor = phone(false)
    expect(editor.canCreate).toBe(false)
    expect(editor.startNew()).toBe(false)
    expect(editor.exemplar).toBeNull()
  })

  it('saves a draft shortly after a change, and at once when asked', async () => {
    const editor = written()
    expect(editor.saveState).toBe('saving')
    await editor.flush()
    expect(editor.stored).toBe(true)
    expect(await getExemplar(editor.exemplar!.id)).toMatchObject({ state: 'draft', nominee: 'Chi đoàn thôn Lũng Pù', revision: 1 })

    editor.update({ story: 'Làm 3 km đường bê tông.' })
    await editor.saveNow()
    expect(editor.saveState).toBe('saved')
    expect(await getExemplar(editor.exemplar!.id)).toMatchObject({ story: 'Làm 3 km đường bê tông.', revision: 2 })
    expect(await db.outbox.count()).toBe(0)
  })

  it('does not send a case without a name or a story, and says which field is missing', async () => {
    const editor = phone()
    editor.startNew()
    editor.update({ role: 'Trưởng thôn Lũng Pù, xã Sơn Vĩ', story: '   ' })
    expect(await editor.send()).toBe(false)
    expect(editor.problems).toEqual([
      { field: 'nominee', rule: 'required' },
      { field: 'story', rule: 'required' },
    ])
    await editor.flush()
    expect(await db.outbox.count()).toBe(0)
    expect(await getExemplar(editor.exemplar!.id)).toMatchObject({ state: 'draft' })
  })

  it('queues a case that passes in the outbox, as an exemplar', async () => {
    const editor = written()
    expect(await editor.send()).toBe(true)
    const id = editor.exemplar!.id
    expect(editor.problems).toEqual([])
    expect(editor.exemplar).toMatchObject({ state: 'queued' })
    expect(await getExemplar(id)).toMatchObject({ state: 'queued', kind: 'collective', covenantId: 'cov-2026' })
    expect(await db.outbox.get(id)).toMatchObject({ reportId: id, kind: 'exemplar', attempts: 0 })
  })

  it('keeps photos with the case, storing a new case first, up to the limit', async () => {
    const editor = phone()
    editor.startNew()
    expect(await editor.addPhoto(processed())).toBe(true)
    const id = editor.exemplar!.id
    expect(editor.stored).toBe(true)
    expect(editor.photos).toHaveLength(1)
    expect((await getExemplar(id))?.photoIds).toEqual([editor.photos[0]?.id])
    expect(await db.photos.get(editor.photos[0]!.id)).toMatchObject({ reportId: id, location: null })

    for (let n = 1; n < EXEMPLAR_LIMITS.maxPhotos; n++) await editor.addPhoto(processed())
    expect(await editor.addPhoto(processed())).toBe(false)
    expect(editor.problem).toBe('tooManyPhotos')
    expect((await getExemplar(id))?.photoIds).toHaveLength(EXEMPLAR_LIMITS.maxPhotos)

    await editor.removePhoto(editor.photos[0]!.id)
    expect((await getExemplar(id))?.photoIds).toHaveLength(EXEMPLAR_LIMITS.maxPhotos - 1)
    expect(await db.photos.count()).toBe(EXEMPLAR_LIMITS.maxPhotos - 1)
  })

  it('opens a sent case read-only: no change, photo or second sending', async () => {
    const editor = written()
    await editor.send()
    const id = editor.exemplar!.id
    await db.exemplars.update(id, { state: 'accepted', receipt: { number: 'DH-2026-0001', committedAt: '2026-11-21T00:00:00.000Z' } })
    const accepted = await getExemplar(id)

    expect(await editor.open(id)).toBe(true)
    expect(editor.editable).toBe(false)
    editor.update({ nominee: 'Tên khác' })
    expect(editor.exemplar?.nominee).toBe('Chi đoàn thôn Lũng Pù')
    expect(await editor.addPhoto(processed())).toBe(false)
    expect(await editor.send()).toBe(false)
    await editor.saveNow()
    expect(await getExemplar(id)).toEqual(accepted)
    expect(accepted).toMatchObject({ state: 'accepted', nominee: 'Chi đoàn thôn Lũng Pù' })
  })

  it('lets a refused case be fixed and sent again', async () => {
    const editor = written()
    await editor.send()
    const id = editor.exemplar!.id
    await db.outbox.delete(id)
    await db.exemplars.update(id, { state: 'rejected', rejection: { code: 'invalid', reason: 'Thiếu ảnh minh hoạ' } })

    await editor.open(id)
    expect(editor.editable).toBe(true)
    expect(editor.exemplar?.rejection?.reason).toBe('Thiếu ảnh minh hoạ')
    editor.update({ story: 'Đã bổ sung: làm 2 km đường bê tông.' })
    expect(await editor.send()).toBe(true)
    expect(await getExemplar(id)).toMatchObject({ state: 'queued', rejection: null, story: 'Đã bổ sung: làm 2 km đường bê tông.' })
    expect(await db.outbox.get(id)).toMatchObject({ kind: 'exemplar' })
  })

  it('keeps the list current, newest change first', async () => {
    const editor = phone()
    const stop = editor.watchList()
    await vi.waitFor(() => expect(editor.listLoaded).toBe(true))
    expect(editor.list).toEqual([])

    // Only the clock is faked, so the two saves are a minute apart; IndexedDB keeps its own timers.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-11-20T02:00:00.000Z'))
    const first = written()
    await first.saveNow()
    const firstId = first.exemplar!.id
    vi.setSystemTime(new Date('2026-11-20T02:01:00.000Z'))
    first.startNew()
    first.update({ nominee: 'Bà Vàng Thị Mai' })
    await first.saveNow()
    await vi.waitFor(() => expect(editor.list.map((row) => row.nominee)).toEqual(['Bà Vàng Thị Mai', 'Chi đoàn thôn Lũng Pù']))
    expect(editor.list[1]?.id).toBe(firstId)
    stop()
  })
})
