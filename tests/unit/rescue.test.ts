// @vitest-environment node
// (Node's Blob survives structuredClone, and so fake-indexeddb, whole; the DOM test environment's does not.)
import 'fake-indexeddb/auto'
import { unzipSync, zipSync } from 'fflate'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppDatabase } from '@/db/database'
import { queueReport, saveReport } from '@/db/reports'
import { readManifest, readRescueFile, RESCUE_FORMAT, RescueFileError, writeRescueFile, type RescueContent } from '@/rescue/file'
import { importRescue, openRescueFile, RescueImportError, saveUnsent, unsentContent, unsentCounts } from '@/rescue/phone'
import { aPhoto, aReport } from './fixtures'

const now = new Date(Date.UTC(2026, 11, 3, 2, 0))
const member = { id: 'm1', name: 'Giàng Seo Chứ' }
const writing = { member, unitId: 'u1', deviceId: 'device-1', appVersion: '1.0.0', now }

async function phone(memberId = 'm1'): Promise<AppDatabase> {
  const db = new AppDatabase(`test-${crypto.randomUUID()}`)
  await db.open()
  await db.communes.put({ id: 'lung-cu', name: 'Lũng Cú', district: 'Đồng Văn', province: 'Hà Giang' })
  await db.members.put({ id: memberId, unitId: 'u1', name: memberId === 'm1' ? member.name : 'Lò Văn Thắng', role: 'cadre', title: '' })
  await db.enrollment.put({
    key: 'current',
    deviceId: `device-of-${memberId}`,
    deviceName: 'Máy thử',
    token: 't',
    memberId,
    unitId: 'u1',
    enrolledAt: now.toISOString(),
    revokedAt: null,
  })
  return db
}

const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer())
const problemOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'read',
    (error: unknown) => (error instanceof RescueFileError || error instanceof RescueImportError ? error.problem : String(error)),
  )

let phones: AppDatabase[] = []
beforeEach(() => {
  phones = []
})
afterEach(async () => {
  for (const db of phones) await db.delete()
})

/** A phone with a draft, a queued report with two photos, a refused one and an accepted one. */
async function phoneWithWork() {
  const db = await phone()
  phones.push(db)
  const draft = await saveReport(aReport({ summary: 'Bản nháp ở Lũng Cú' }), now, db)
  const queuedReport = aReport({ summary: 'Trao quà cho 5 hộ nghèo' })
  const photos = [aPhoto(queuedReport.id, { blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/jpeg' }) }), aPhoto(queuedReport.id)]
  await db.photos.bulkPut(photos)
  const queued = await queueReport({ ...queuedReport, photoIds: photos.map((photo) => photo.id) }, now, db)
  const refused = aReport({ state: 'rejected', rejection: { code: 'invalid', reason: 'Thiếu ngày' }, revision: 2 })
  const accepted = aReport({ state: 'accepted', revision: 1, receipt: { number: '26-000001', committedAt: now.toISOString() } })
  for (const report of [refused, accepted]) await db.reports.put({ ...report, searchText: '' })
  return { db, draft, queued, refused, accepted, photos }
}

describe('the rescue file', () => {
  it('holds what the endpoint has not acknowledged, and reads back the same, plain or sealed', async () => {
    const { db, draft, queued, refused, photos } = await phoneWithWork()
    const content = await unsentContent(db)
    expect(content.reports.map((report) => report.id).sort()).toEqual([draft.id, queued.id, refused.id].sort())
    expect(content.photos.map((photo) => photo.id).sort()).toEqual(photos.map((photo) => photo.id).sort())

    for (const passphrase of [undefined, 'mật khẩu của tôi']) {
      const file = await writeRescueFile(content, { ...writing, ...(passphrase && { passphrase }) })
      const manifest = readManifest(file)
      expect(manifest).toMatchObject({ format: RESCUE_FORMAT.name, member, counts: { reports: 3, exemplars: 0, photos: 2 }, sealed: passphrase ? { cipher: 'AES-GCM' } : null })
      const read = await readRescueFile(file, passphrase)
      expect(read.content.reports).toEqual(content.reports)
      expect(read.content.photos.find((photo) => photo.id === photos[0]?.id)?.bytes).toEqual(new Uint8Array([1, 2, 3]))
      // Sealed, nothing but the manifest can be read without the passphrase.
      if (passphrase) expect(Object.keys(unzipSync(file)).sort()).toEqual(['manifest.json', 'sealed.bin'])
    }
  })

  it('refuses a file cut short, altered, of a newer format, or sealed with another passphrase', async () => {
    const { db } = await phoneWithWork()
    const file = await writeRescueFile(await unsentContent(db), writing)
    expect(await problemOf(readRescueFile(file.subarray(0, file.length - 200)))).toBe('damaged')
    expect(await problemOf(readRescueFile(new TextEncoder().encode('not a zip')))).toBe('damaged')

    const parts = unzipSync(file)
    const altered = JSON.parse(new TextDecoder().decode(parts['reports.json'])) as { summary: string }[]
    if (altered[0]) altered[0].summary = 'Sửa trong tệp'
    expect(await problemOf(readRescueFile(zipSync({ ...parts, 'reports.json': new TextEncoder().encode(JSON.stringify(altered)) })))).toBe('altered')

    const manifest = JSON.parse(new TextDecoder().decode(parts['manifest.json'])) as { formatVersion: number }
    const newer = zipSync({ ...parts, 'manifest.json': new TextEncoder().encode(JSON.stringify({ ...manifest, formatVersion: RESCUE_FORMAT.version + 1 })) })
    expect(await problemOf(readRescueFile(newer))).toBe('newer-version')
    expect(await problemOf(readRescueFile(zipSync({ 'manifest.json': new TextEncoder().encode('{}') })))).toBe('not-rescue')

    const sealed = await writeRescueFile(await unsentContent(db), { ...writing, passphrase: 'đúng' })
    expect(await problemOf(readRescueFile(sealed))).toBe('passphrase-needed')
    expect(await problemOf(readRescueFile(sealed, 'sai'))).toBe('wrong-passphrase')
  })
})

describe('importing a rescue file on a phone', () => {
  it('adds what the phone lacks in one go, queues what was on its way, and adds nothing a second time', async () => {
    const { queued, draft, refused } = await phoneWithWork()
    const { file, counts } = await saveUnsent({ appVersion: '1.0.0', now }, phones[0])
    expect(counts).toEqual({ reports: 3, exemplars: 0, photos: 2 })
    expect(file.name).toMatch(/^giao-uoc-chua-gui-2026-12-03-.+\.zip$/)

    const fresh = await phone()
    phones.push(fresh)
    const preview = await openRescueFile(await bytesOf(file), undefined, fresh)
    expect(preview.fresh).toEqual({ reports: 3, exemplars: 0, photos: 2 })
    expect(await importRescue(preview.content, now, fresh)).toEqual({ reports: 3, exemplars: 0, photos: 2 })
    expect((await fresh.reports.get(queued.id))?.state).toBe('queued')
    expect((await fresh.reports.get(draft.id))?.state).toBe('draft')
    expect((await fresh.reports.get(refused.id))?.rejection).toEqual(refused.rejection)
    expect((await fresh.outbox.toArray()).map((row) => [row.reportId, row.revision])).toEqual([[queued.id, queued.revision]])
    const photo = await fresh.photos.get(queued.photoIds[0] ?? '')
    expect(new Uint8Array(await (photo?.blob ?? new Blob()).arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]))
    expect((await fresh.reports.get(queued.id))?.searchText).toContain('trao qua')

    const again = await openRescueFile(await bytesOf(file), undefined, fresh)
    expect(again.fresh).toEqual({ reports: 0, exemplars: 0, photos: 0 })
    expect(await importRescue(again.content, now, fresh)).toEqual({ reports: 0, exemplars: 0, photos: 0 })
    expect(await fresh.reports.count()).toBe(3)
  })

  it('refuses another member’s file and a phone not enrolled, and leaves the phone as it was', async () => {
    await phoneWithWork()
    const { file } = await saveUnsent({ appVersion: '1.0.0', now }, phones[0])
    const other = await phone('m2')
    phones.push(other)
    const refused = await openRescueFile(await bytesOf(file), undefined, other).catch((error: unknown) => error)
    expect(refused).toMatchObject({ problem: 'other-member', memberName: 'Giàng Seo Chứ' })
    await other.enrollment.clear()
    expect(await problemOf(openRescueFile(await bytesOf(file), undefined, other))).toBe('not-enrolled')
    expect(await other.reports.count()).toBe(0)
  })

  it('writes nothing when a part cannot be stored', async () => {
    const { db } = await phoneWithWork()
    const content: RescueContent = await unsentContent(db)
    const fresh = await phone()
    phones.push(fresh)
    // A photo row that the database refuses (no id) fails the whole import, reports included.
    const broken = { ...content, photos: [...content.photos, { ...content.photos[0], id: undefined } as unknown as RescueContent['photos'][number]] }
    await expect(importRescue(broken, now, fresh)).rejects.toThrow()
    expect(await fresh.reports.count()).toBe(0)
    expect(await fresh.outbox.count()).toBe(0)
  })
})

describe('what a file would hold', () => {
  it('is counted without reading the photos', async () => {
    const { db } = await phoneWithWork()
    expect(await unsentCounts(db)).toEqual({ reports: 3, exemplars: 0, photos: 2 })
  })
})
