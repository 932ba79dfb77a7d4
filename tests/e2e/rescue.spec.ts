import fs from 'node:fs'
import path from 'node:path'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { phoneContext } from '../../playwright.config'
import { enroll, phoneWaiting, Rig, seedQueue } from '../faults/rig'
import Database from 'better-sqlite3'
import { tempDir } from './endpoint'
import { expectAccessible } from './helpers'

// A phone lost with three reports and their photos unsent: saved to a file first, the file
// opened on a new phone of the same member sends them, once. Files that are cut short,
// altered or another member's are refused, and the queue stays as it was.
let rig: Rig
const member = 'Giàng Seo Chứ'

test.beforeAll(async () => {
  rig = new Rig()
  await rig.start()
})

test.afterAll(async () => {
  await rig.stop()
})

async function newPhone(browser: Browser): Promise<Page> {
  return (await browser.newContext(phoneContext)).newPage()
}

/** What the phone holds to send, and how many reports it has. */
async function queueOf(page: Page): Promise<{ waiting: string[]; accepted: number }> {
  const { waiting, accepted } = await phoneWaiting(page)
  return { waiting: [...waiting].sort(), accepted }
}

/** The member's unit lead, given a password by the admin, signed in on the dashboard. */
async function signInAsLead(page: Page): Promise<void> {
  const db = new Database(path.join(rig.dataDir, 'giao-uoc.sqlite'), { readonly: true, fileMustExist: true })
  const lead = db.prepare("select id, unit_id as unitId, name, title from member where role = 'lead' and unit_id = (select unit_id from member where name = ?)").get(member) as {
    id: string
    unitId: string
    name: string
    title: string
  }
  db.close()
  const credentials = { username: 'lanh.dao.thu', password: 'mat-khau-lanh-dao' }
  const saved = await fetch(`http://localhost:${rig.endpointPort}/api/members/${lead.id}`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await rig.admin()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ unitId: lead.unitId, name: lead.name, title: lead.title, role: 'lead', ...credentials }),
  })
  expect(saved.status).toBe(200)
  await page.goto(`${rig.url}/dashboard`)
  await page.getByLabel('Tên đăng nhập').fill(credentials.username)
  await page.getByLabel('Mật khẩu').fill(credentials.password)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(page.getByTestId('progress-matrix')).toBeVisible()
}

async function open(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.getByTestId('rescue-open').setInputFiles({ name, mimeType: 'application/zip', buffer: Buffer.from(bytes) })
}

test('unsent work saved to a file reaches the endpoint from another phone, once; bad files are refused', async ({ browser }) => {
  test.setTimeout(240_000)
  const lost = await newPhone(browser)
  await enroll(lost, rig.link)
  await lost.context().setOffline(true)
  const seeded = await seedQueue(lost, { reports: 3, photos: [1, 1, 1] })

  // Offline, from Settings: the file comes as a download where the browser cannot share it.
  await lost.goto(`${rig.url}/settings#rescue`)
  await expect(lost.getByTestId('rescue-holding')).toHaveText('Máy đang giữ 3 báo cáo, 0 đề xuất điển hình và 3 ảnh chưa gửi xong.')
  const [download] = await Promise.all([lost.waitForEvent('download'), lost.getByTestId('rescue-save').click()])
  expect(download.suggestedFilename()).toMatch(/^giao-uoc-chua-gui-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/)
  const file = path.join(tempDir('giao-uoc-rescue-'), download.suggestedFilename())
  await download.saveAs(file)
  await expect(lost.getByTestId('rescue-message')).toContainText('Đã lưu tệp')
  const bytes = new Uint8Array(fs.readFileSync(file))
  // A second copy, sealed with a passphrase.
  await lost.getByLabel('Mật khẩu cho tệp (không bắt buộc)').fill('mật khẩu dự phòng')
  const [sealedDownload] = await Promise.all([lost.waitForEvent('download'), lost.getByTestId('rescue-save').click()])
  const sealed = new Uint8Array(fs.readFileSync(await sealedDownload.path()))
  expect(Object.keys(unzipSync(sealed)).sort()).toEqual(['manifest.json', 'sealed.bin'])

  // Files the phone must refuse, each with its reason, its queue untouched.
  const parts = unzipSync(bytes)
  const reports = JSON.parse(strFromU8(parts['reports.json'] ?? new Uint8Array())) as { summary: string }[]
  const altered = zipSync({ ...parts, 'reports.json': strToU8(JSON.stringify(reports.map((report) => ({ ...report, summary: 'Sửa trong tệp' })))) })
  const manifest = JSON.parse(strFromU8(parts['manifest.json'] ?? new Uint8Array())) as { member: { id: string; name: string } }
  const someoneElses = zipSync({ ...parts, 'manifest.json': strToU8(JSON.stringify({ ...manifest, member: { id: crypto.randomUUID(), name: 'Lò Văn Thắng' } })) })
  const before = await queueOf(lost)
  for (const [name, refused, message] of [
    ['altered.zip', altered, 'Tệp đã bị sửa đổi sau khi lưu (mã kiểm tra không khớp). Không có gì được nhập.'],
    ['other.zip', someoneElses, 'Tệp này của Lò Văn Thắng, không phải của người dùng máy này. Không có gì được nhập.'],
    ['cut.zip', bytes.subarray(0, Math.floor(bytes.length / 2)), 'Tệp bị hỏng hoặc chưa tải về đủ. Không có gì được nhập.'],
  ] as const) {
    await open(lost, name, refused)
    await expect(lost.getByTestId('rescue-message')).toHaveText(message)
    await expect(lost.getByTestId('rescue-preview')).toHaveCount(0)
  }
  expect(await queueOf(lost)).toEqual(before)

  // The phone is lost with its data: nothing of it ever reached the endpoint.
  await lost.context().close()
  expect((await rig.held(seeded.reportIds, seeded.photoIds)).reportRows).toBe(0)

  const next = await newPhone(browser)
  await enroll(next, await rig.enrollmentLink(member))
  await next.goto(`${rig.url}/settings`)
  await open(next, download.suggestedFilename(), bytes)
  await expect(next.getByTestId('rescue-preview')).toContainText(`Tệp của ${member}`)
  await expect(next.getByTestId('rescue-preview')).toContainText('Chưa có trên máy này: 3 báo cáo, 0 đề xuất, 3 ảnh.')
  await next.getByTestId('rescue-import').click()
  await expect(next.getByTestId('rescue-message')).toContainText('Đã nhập 3 báo cáo, 0 đề xuất, 3 ảnh.')
  await expect
    .poll(
      async () => {
        const held = await rig.held(seeded.reportIds, seeded.photoIds)
        return { reports: held.reports.size, photos: held.photos.size, waiting: (await queueOf(next)).waiting.length }
      },
      { timeout: 60_000 },
    )
    .toEqual({ reports: 3, photos: 3, waiting: 0 })

  // The same file again: the phone has it all, and the endpoint still holds each once.
  await open(next, download.suggestedFilename(), bytes)
  await expect(next.getByTestId('rescue-message')).toHaveText('Máy đã có mọi thứ trong tệp này: không có gì cần nhập.')
  // The sealed copy opens only with its passphrase, and holds nothing new either.
  await open(next, 'sealed.zip', sealed)
  const passphrase = next.getByLabel('Tệp này có mật khẩu. Nhập mật khẩu để mở.')
  await passphrase.fill('sai mật khẩu')
  await next.getByRole('button', { name: 'Mở tệp', exact: true }).click()
  await expect(next.getByTestId('rescue-message')).toHaveText('Sai mật khẩu, hoặc tệp đã bị sửa đổi. Không có gì được nhập.')
  await passphrase.fill('mật khẩu dự phòng')
  await next.getByRole('button', { name: 'Mở tệp', exact: true }).click()
  await expect(next.getByTestId('rescue-message')).toHaveText('Máy đã có mọi thứ trong tệp này: không có gì cần nhập.')

  // The lead uploads the same file on the dashboard: the endpoint has it all already.
  const dashboard = await (await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })).newPage()
  await signInAsLead(dashboard)
  await dashboard.getByRole('navigation', { name: 'Điều hướng trang quản lý' }).getByRole('link', { name: 'Cán bộ', exact: true }).click()
  await dashboard.getByTestId('member').filter({ hasText: member }).getByTestId('member-rescue').click()
  await dashboard.getByTestId('rescue-file').setInputFiles({ name: 'tep-du-phong.zip', mimeType: 'application/zip', buffer: Buffer.from(bytes) })
  await dashboard.getByTestId('rescue-send').click()
  await expect(dashboard.getByTestId('rescue-done')).toContainText('Đã nhận tệp: 0 báo cáo mới, 3 báo cáo máy chủ đã có, 0 đề xuất mới, 0 ảnh mới lưu.')
  await expectAccessible(dashboard, 'a backup file uploaded')

  const held = await rig.held(seeded.reportIds, seeded.photoIds)
  expect({ reportRows: held.reportRows, photoFiles: held.photoFiles, blobs: held.blobs }).toEqual({ reportRows: 3, photoFiles: 3, blobs: 3 })
})
