import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { promisify } from 'node:util'
import readExcelFile from 'read-excel-file/node'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { phoneContext } from '../../playwright.config'
import { startEndpoint, tempDir, type Endpoint } from './endpoint'
import { expectAccessible, expectHeading } from './helpers'
import { withExif } from '../support/exif'

// The bloc's secretariat at a laptop, and a cadre's phone: from a new admin's first login to an
// exported year, through a cadre enrolled by QR link, a report with a photo, and its review.
const port = 4178
test.use({ baseURL: `http://localhost:${port}` })
let endpoint: Endpoint
const dataDir = tempDir('giao-uoc-dashboard-')
let adminPassword: string

test.beforeAll(async () => {
  endpoint = await startEndpoint('server.ts', port, { DATA_DIR: dataDir })
  adminPassword = /Username: admin {2}Password: (\S+)/.exec(endpoint.output())?.[1] ?? ''
  expect(adminPassword, endpoint.output()).not.toBe('')
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

async function laptop(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: endpoint.url, viewport: { width: 1280, height: 900 }, locale: 'vi-VN', acceptDownloads: true })
  return context.newPage()
}

async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ ...phoneContext, baseURL: endpoint.url })
  return context.newPage()
}

/** A small camera-like JPEG drawn in the page. */
async function photoOf(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(1200, 900)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    context.fillStyle = 'hsl(120, 40%, 45%)'
    context.fillRect(0, 0, 1200, 900)
    context.fillStyle = 'hsl(30, 60%, 60%)'
    context.fillRect(300, 200, 600, 500)
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer())
    let binary = ''
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(binary)
  })
  return Buffer.from(base64, 'base64')
}

async function download(page: Page, button: string): Promise<{ name: string; bytes: Buffer }> {
  const started = page.waitForEvent('download')
  await page.getByRole('button', { name: button }).click()
  const file = await started
  return { name: file.suggestedFilename(), bytes: fs.readFileSync((await file.path()) ?? '') }
}

test('a new admin enrolls a cadre by QR link, sees the cadre’s report everywhere, reviews it, and exports the year', async ({ browser }) => {
  test.setTimeout(180_000)
  const year = new Date().getFullYear()

  // 1. Log in with the password `npm start` printed; a wrong one is refused first.
  const admin = await laptop(browser)
  await admin.goto('/dashboard')
  await expectHeading(admin, 'Đăng nhập quản lý')
  await admin.getByLabel('Tên đăng nhập').fill('admin')
  await admin.getByLabel('Mật khẩu').fill('sai mật khẩu')
  await admin.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(admin.getByTestId('login-error')).toHaveText('Sai tên đăng nhập hoặc mật khẩu.')
  await admin.getByLabel('Mật khẩu').fill(adminPassword)
  await admin.getByRole('button', { name: 'Đăng nhập' }).click()
  await expectHeading(admin, `Tiến độ thực hiện giao ước năm ${year}`)
  await expect(admin.getByTestId('dashboard-who')).toContainText('Thường trực khối')
  await expect(admin.getByTestId('progress-matrix').locator('tbody tr')).toHaveCount(6)

  // 2. A new cadre of Ban Dân vận, and an enrollment code shown as a QR code and a link.
  await admin.getByRole('link', { name: 'Cán bộ' }).click()
  await expectHeading(admin, 'Cán bộ và thiết bị')
  await admin.getByTestId('members-unit').selectOption({ label: 'Ban Dân vận Tỉnh ủy' })
  await admin.getByRole('button', { name: 'Thêm người' }).click()
  const form = admin.getByTestId('member-form')
  await form.getByLabel('Tên', { exact: true }).fill('Hờ Thị Sua')
  await form.getByLabel('Chức vụ').fill('Chuyên viên')
  await form.getByRole('button', { name: 'Lưu' }).click()
  await expect(admin.getByText('Đã thêm Hờ Thị Sua.')).toBeVisible()
  const sua = admin.getByTestId('member').filter({ hasText: 'Hờ Thị Sua' })
  await expect(sua).toContainText('Chưa đăng ký thiết bị nào.')
  await sua.getByRole('button', { name: 'Tạo mã đăng ký' }).click()
  const card = admin.getByTestId('enrollment-card')
  await card.getByRole('button', { name: 'Tạo mã' }).click()
  await expect(card.getByTestId('enrollment-qr')).toHaveAttribute('src', /^data:image\/svg\+xml/)
  await expect(card).toContainText('Dùng được một lần, đến')
  const link = (await card.getByTestId('enrollment-link').textContent()) ?? ''
  expect(link).toMatch(new RegExp(`^${endpoint.url}/enroll#code=[0-9A-Z]{5}-[0-9A-Z]{5}$`))
  expect(await card.getByTestId('enrollment-qr').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0)

  // 3. The cadre's phone opens the link, writes a report with a photo in Sủng Thài, and sends it.
  const cadre = await phonePage(browser)
  await cadre.goto(link)
  await expectHeading(cadre, 'Xã phụ trách')
  await expect(cadre.getByTestId('unit-name')).toContainText('Ban Dân vận Tỉnh ủy')
  await cadre.getByRole('link', { name: /Sủng Thài/ }).click()
  await cadre.getByRole('link', { name: 'Báo cáo mới' }).click()
  const visits = cadre.getByTestId('entry-9')
  await visits.getByRole('checkbox').check()
  await visits.getByText('Hoàn thành').click()
  await visits.getByLabel('Số lượng (lượt)').fill('1')
  await cadre.getByLabel('Tóm tắt').fill('Thăm hộ nghèo thôn Sủng Lủng, trao bò giống')
  await cadre.getByTestId('photo-gallery').setInputFiles({ name: 'bo-giong.jpg', mimeType: 'image/jpeg', buffer: await photoOf(cadre) })
  await expect(cadre.getByTestId('photo')).toHaveCount(1, { timeout: 60_000 })
  await cadre.getByRole('button', { name: 'Gửi' }).click()
  await expect(cadre.getByTestId('report-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  const reportUrl = cadre.url()

  // 4. The admin sees it in the matrix, on the commune's page and in the gallery.
  await admin.getByRole('link', { name: 'Tiến độ' }).click()
  const row = admin.getByTestId('progress-matrix').locator('tbody tr').filter({ hasText: 'Ban Dân vận Tỉnh ủy' })
  await expect(row).toContainText('1 báo cáo')
  await expect(row.getByRole('link', { name: /Đi cơ sở xã được phân công/ })).toContainText('1/24 lượt')
  await row.getByRole('link', { name: 'Ban Dân vận Tỉnh ủy', exact: true }).click()
  await expectHeading(admin, `Ban Dân vận Tỉnh ủy: tiến độ năm ${year}`)
  await admin.getByRole('link', { name: 'Sủng Thài' }).click()
  await expectHeading(admin, 'Xã Sủng Thài')
  await expect(admin.getByTestId('visits-chart').getByRole('listitem').nth(new Date().getMonth())).toHaveAccessibleName(`Tháng ${new Date().getMonth() + 1}: 1 lượt`)
  await expect(admin.getByTestId('report-table')).toContainText('Thăm hộ nghèo thôn Sủng Lủng')
  await admin.getByRole('link', { name: 'Ảnh tại xã' }).click()
  await expectHeading(admin, 'Ảnh minh chứng')
  const thumbnail = admin.getByTestId('gallery').getByRole('img')
  await expect(thumbnail).toHaveCount(1)
  await expect.poll(() => thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(320)

  // 5. The report, its full-size photo, and a review asking for more.
  await thumbnail.click()
  await expectHeading(admin, /^Báo cáo \d{2}-\d{6}$/)
  await admin.getByTestId('report-photo').click()
  await expect
    .poll(() =>
      admin
        .getByRole('dialog')
        .getByRole('img')
        .evaluate((image: HTMLImageElement) => image.naturalWidth),
    )
    .toBe(1200)
  await admin.getByRole('dialog').getByRole('button', { name: 'Đóng' }).click()
  const review = admin.getByTestId('review-form')
  await review.getByText('Cần bổ sung').click()
  await review.getByLabel('Ý kiến').fill('Bổ sung ảnh hộ nhận bò giống')
  await review.getByRole('button', { name: 'Gửi ý kiến' }).click()
  await expect(review).toContainText('Đã lưu ý kiến.')
  await expect(admin.getByTestId('review-history')).toContainText('Bổ sung ảnh hộ nhận bò giống')

  // 6. The cadre sees the comment after the phone's next pull, and may answer with a new revision.
  await cadre.goto('/')
  await cadre.getByRole('button', { name: 'Đồng bộ ngay' }).click()
  await cadre.goto(reportUrl)
  await expect(cadre.getByTestId('report-review')).toContainText('Bổ sung ảnh hộ nhận bò giống')
  await cadre.getByRole('link', { name: 'Sửa' }).click()
  await cadre.getByLabel('Tóm tắt').fill('Thăm hộ nghèo thôn Sủng Lủng, trao bò giống; thêm ảnh hộ nhận bò')
  await expect(cadre.getByTestId('save-state')).toHaveText('Đã lưu trên máy')
  await cadre.getByRole('button', { name: 'Gửi' }).click()
  await expect(cadre.getByTestId('report-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  await expect(cadre.getByTestId('report-review')).toContainText('Đã gửi bổ sung')
  await admin.getByRole('link', { name: 'Báo cáo' }).click()
  await expect(admin.getByTestId('report-table')).toContainText('Đã bổ sung, chờ xem lại')
  await expect(admin.getByTestId('report-table').getByTestId('report-corrected')).toHaveText('Đã sửa sau khi gửi (2 bản)')
  await expect(admin.getByTestId('report-table')).toContainText('thêm ảnh hộ nhận bò')

  // 6b. The cadre's phone is replaced: a phone enrolled anew for her gets the report back, its photo fetched when shown.
  await admin.getByRole('link', { name: 'Cán bộ' }).click()
  await admin.getByTestId('members-unit').selectOption({ label: 'Ban Dân vận Tỉnh ủy' })
  await admin.getByTestId('member').filter({ hasText: 'Hờ Thị Sua' }).getByRole('button', { name: 'Tạo mã đăng ký' }).click()
  await admin.getByTestId('enrollment-card').getByRole('button', { name: 'Tạo mã' }).click()
  const secondLink = (await admin.getByTestId('enrollment-card').getByTestId('enrollment-link').textContent()) ?? ''
  expect(secondLink).not.toBe(link)
  const replaced = await phonePage(browser)
  await replaced.goto(secondLink)
  await expectHeading(replaced, 'Xã phụ trách')
  await replaced.goto(reportUrl)
  await expect(replaced.getByTestId('report-state')).toHaveText('Đã tiếp nhận')
  await expect(replaced.getByTestId('report-summary')).toHaveText('Thăm hộ nghèo thôn Sủng Lủng, trao bò giống; thêm ảnh hộ nhận bò')
  await expect(replaced.getByTestId('report-receipt')).toContainText(/Số biên nhận \d{2}-\d{6}/)
  await expect
    .poll(() =>
      replaced
        .getByRole('button', { name: 'Xem ảnh 1' })
        .locator('img')
        .evaluate((image: HTMLImageElement) => image.naturalWidth),
    )
    .toBe(320)
  await replaced.context().close()

  // 7. Export the year as Excel and CSV, and read them back.
  await admin.getByRole('link', { name: 'Tiến độ' }).click()
  const xlsx = await download(admin, 'Xuất Excel')
  expect(xlsx.name).toBe(`giao-uoc-${year}-covenant.xlsx`)
  const sheets = await readExcelFile(xlsx.bytes)
  expect(sheets.map((sheet) => sheet.sheet)).toEqual(['Báo cáo', 'Nội dung', 'Tiến độ'])
  const [reports, entries, progress] = sheets.map((sheet) => sheet.data)
  expect(reports?.[0]).toEqual(expect.arrayContaining(['Số biên nhận', 'Đơn vị', 'Xã', 'Người báo cáo', 'Ngày đi cơ sở', 'Tóm tắt']))
  expect(reports).toHaveLength(2)
  expect(reports?.[1]).toEqual(
    expect.arrayContaining(['Ban Dân vận Tỉnh ủy', 'Sủng Thài', 'Hờ Thị Sua', 'Thăm hộ nghèo thôn Sủng Lủng, trao bò giống; thêm ảnh hộ nhận bò', 'Cần bổ sung']),
  )
  expect(entries?.[1]).toEqual(expect.arrayContaining(['Sủng Thài', 'Đi cơ sở xã được phân công', 'Hoàn thành', 1, 'lượt']))
  expect(progress).toHaveLength(1 + 6 * 9)
  const csv = await download(admin, 'CSV báo cáo')
  expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
  const lines = csv.bytes.subarray(3).toString('utf8').trim().split('\r\n')
  expect(lines[0]).toMatch(/^Số biên nhận,Đơn vị,Xã,Huyện,Người báo cáo,Ngày đi cơ sở,/)
  expect(lines).toHaveLength(2)
  expect(lines[1]).toContain('Ban Dân vận Tỉnh ủy,Sủng Thài,Yên Minh,Hờ Thị Sua,')

  // 8. Every step is in the audit log.
  await admin.getByRole('link', { name: 'Nhật ký' }).click()
  const log = admin.getByTestId('audit-log')
  for (const action of ['Thêm người', 'Tạo mã đăng ký thiết bị', 'Xem xét báo cáo', 'Xuất dữ liệu']) await expect(log).toContainText(action)

  // 9. The admin removes the photo, then the report, with a reason; the phone drops each at its next sync.
  admin.on('dialog', (dialog) => void dialog.accept())
  await admin.getByRole('link', { name: 'Báo cáo' }).click()
  await admin.getByTestId('report-table').getByRole('link').first().click()
  const removal = admin.getByTestId('removal-form')
  await removal.getByText('Xoá khỏi hệ thống').click()
  await removal.getByTestId('removal-target').selectOption({ label: 'Ảnh 1 của báo cáo' })
  await removal.getByRole('button', { name: 'Xoá' }).click()
  await expect(removal.getByRole('alert')).toHaveText('Hãy ghi lý do xoá.')
  await removal.getByTestId('removal-reason').fill('Ảnh có mặt người dân chưa đồng ý')
  await removal.getByRole('button', { name: 'Xoá' }).click()
  await expect(admin.getByTestId('removal-done')).toContainText('Đã xoá ảnh.')
  await expect(admin.getByTestId('report-photo')).toHaveCount(0)
  await cadre.goto('/')
  await cadre.getByRole('button', { name: 'Đồng bộ ngay' }).click()
  await cadre.goto(reportUrl)
  await expect(cadre.getByTestId('report-summary')).toContainText('thêm ảnh hộ nhận bò')
  await expect(cadre.getByRole('button', { name: 'Xem ảnh 1' })).toHaveCount(0)

  await removal.getByText('Xoá khỏi hệ thống').click()
  await removal.getByTestId('removal-reason').fill('Ghi hoàn cảnh riêng của hộ')
  await removal.getByRole('button', { name: 'Xoá' }).click()
  await expect(admin.getByTestId('removal-done')).toContainText('Đã xoá báo cáo.')
  await cadre.goto('/')
  await cadre.getByRole('button', { name: 'Đồng bộ ngay' }).click()
  await cadre.goto(reportUrl)
  await expect(cadre.getByText('Không tìm thấy báo cáo này trên máy.')).toBeVisible()
  await admin.getByRole('link', { name: 'Nhật ký' }).click()
  for (const action of ['Xoá ảnh khỏi hệ thống', 'Xoá báo cáo khỏi hệ thống']) await expect(log).toContainText(action)

  // 10. Photos that prove themselves: the camera's time and place show on the dashboard, and the
  //     same photo sent again with another report is flagged there for the reviewer.
  const day = new Date().toLocaleDateString('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' })
  const camera = Buffer.from(withExif(await photoOf(cadre), { dateTime: `${day.replaceAll('-', ':')} 07:30:00`, offset: '+07:00', latitude: 22.912345, longitude: 105.012345 }))
  for (const summary of ['Khảo sát đường vào thôn Sủng Lủng', 'Khảo sát lại đường vào thôn Sủng Lủng']) {
    await cadre.goto('/')
    await cadre.getByRole('link', { name: /Sủng Thài/ }).click()
    await cadre.getByRole('link', { name: 'Báo cáo mới' }).click()
    await cadre.getByTestId('entry-9').getByRole('checkbox').check()
    await cadre.getByTestId('entry-9').getByLabel('Số lượng (lượt)').fill('1')
    await cadre.getByLabel('Tóm tắt').fill(summary)
    await cadre.getByTestId('photo-gallery').setInputFiles({ name: 'duong.jpg', mimeType: 'image/jpeg', buffer: camera })
    await expect(cadre.getByTestId('photo')).toHaveCount(1, { timeout: 60_000 })
    await cadre.getByRole('button', { name: 'Gửi' }).click()
    await expect(cadre.getByTestId('report-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  }
  await admin.getByRole('link', { name: 'Báo cáo' }).click()
  await admin
    .getByTestId('report-table')
    .getByRole('link', { name: /Khảo sát lại/ })
    .click()
  // Shown in the browser's time zone, as this process has it.
  const taken = new Date(`${day}T07:30:00+07:00`)
  const two = (value: number) => String(value).padStart(2, '0')
  await expect(admin.getByTestId('photo-captured')).toHaveText(
    `Chụp lúc ${two(taken.getHours())}:${two(taken.getMinutes())} ${two(taken.getDate())}/${two(taken.getMonth() + 1)}/${taken.getFullYear()}`,
  )
  await expect(admin.getByTestId('photo-place')).toContainText('22,91235; 105,01235')
  await expect(admin.getByTestId('photo-flags')).toContainText('Cùng một ảnh đã có trong báo cáo')

  // 11. What `npm start` seeded is marked as demo data, and one action takes it away; the real cadre stays, with their unit.
  await admin.getByRole('link', { name: 'Tiến độ' }).click()
  await expect(admin.getByTestId('demo-notice')).toContainText('Dữ liệu mẫu.')
  await expect(row.getByTestId('demo-tag')).toHaveText('Mẫu')
  await admin.getByTestId('demo-remove').click()
  await expect(admin.getByTestId('demo-removed')).toContainText('Đã xoá dữ liệu mẫu:')
  await expect(admin.getByTestId('demo-notice')).toHaveCount(0)
  await admin.getByRole('link', { name: 'Cán bộ' }).click()
  await expect(admin.getByText('Hờ Thị Sua')).toBeVisible()
  await expect(admin.getByText('Giàng Seo Chứ')).toHaveCount(0)
  await cadre.goto('/')
  await cadre.getByRole('button', { name: 'Đồng bộ ngay' }).click()
  await expect(cadre.getByTestId('unit-name')).toContainText('Ban Dân vận Tỉnh ủy')
})

test('the province’s office reads every bloc, exports them together, and creates a bloc whose admin runs it alone', async ({ browser }) => {
  const year = new Date().getFullYear()
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'server/admin-cli.ts', 'add-province', 'tinh.thidua'], {
    env: { ...process.env, DATA_DIR: dataDir },
  })
  const password = /Password: (\S+)/.exec(stdout)?.[1] ?? ''
  const office = await laptop(browser)
  await office.goto('/dashboard')
  await office.getByLabel('Tên đăng nhập').fill('tinh.thidua')
  await office.getByLabel('Mật khẩu').fill(password)
  await office.getByRole('button', { name: 'Đăng nhập' }).click()
  // Its own screen, whatever it asked for: a bloc's screens are not the province's.
  await expectHeading(office, `Các khối thi đua năm ${year}`)
  await expect(office).toHaveURL(/\/dashboard\/province$/)
  const blocs = office.getByTestId('province-bloc')
  await expect(blocs).toHaveCount(2)
  await expect(blocs.filter({ hasText: 'Mặt trận Tổ quốc' }).getByTestId('province-unit')).toHaveCount(3)
  // The first bloc's demo was taken away above: its admin's unit and the real cadre's stay.
  await expect(blocs.filter({ hasText: 'ban xây dựng Đảng' }).getByTestId('province-unit')).toHaveCount(2)
  await expectAccessible(office, 'province')
  await office.goto('/dashboard/setup')
  await expectHeading(office, `Các khối thi đua năm ${year}`)

  const workbook = await download(office, 'Xuất Excel toàn tỉnh')
  expect(workbook.name).toBe(`giao-uoc-${year}-toan-tinh.xlsx`)
  const [units] = await readExcelFile(workbook.bytes)
  expect(units?.data.slice(1)).toHaveLength(5)

  const form = office.getByTestId('province-create')
  await form.getByLabel('Tên khối thi đua').fill('Khối thi đua các sở, ngành kinh tế')
  await form.getByLabel('Tỉnh').fill('Hà Giang')
  await form.getByLabel('Đơn vị Trưởng khối').fill('Sở Kế hoạch và Đầu tư')
  await form.getByLabel('Tên ngắn của đơn vị').fill('Sở KH&ĐT')
  await form.getByLabel('Họ tên người quản trị').fill('Thường trực khối kinh tế')
  await form.getByLabel('Tên đăng nhập của người quản trị').fill('admin')
  await form.getByLabel('Mật khẩu (ít nhất 10 ký tự)').fill('mật khẩu khối kinh tế')
  await form.getByRole('button', { name: 'Tạo khối' }).click()
  await expect(form.getByRole('alert')).toContainText('Không lưu được vì dữ liệu đã thay đổi hoặc bị trùng.')
  await form.getByLabel('Tên đăng nhập của người quản trị').fill('admin.kinhte')
  await form.getByRole('button', { name: 'Tạo khối' }).click()
  await expect(office.getByTestId('province-created')).toContainText('admin.kinhte')
  await expect(blocs).toHaveCount(3)

  const admin = await laptop(browser)
  await admin.goto('/dashboard')
  await admin.getByLabel('Tên đăng nhập').fill('admin.kinhte')
  await admin.getByLabel('Mật khẩu').fill('mật khẩu khối kinh tế')
  await admin.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(admin.getByTestId('dashboard-who')).toContainText('Thường trực khối kinh tế')
  await admin.getByRole('link', { name: 'Thiết lập' }).click()
  await expect(admin.locator('li').filter({ hasText: 'Sở Kế hoạch và Đầu tư' })).toBeVisible()
  await expect(admin.getByText('Ban Dân vận Tỉnh ủy')).toHaveCount(0)
  await expect(admin.getByText('Lũng Cú')).toHaveCount(0)

  // A commune another bloc lists is added as the same place, and only the office changes it.
  const communes = admin.locator('section.card').filter({ has: admin.getByRole('heading', { name: 'Xã được giúp đỡ' }) })
  await communes.getByRole('button', { name: 'Thêm xã' }).click()
  await communes.getByLabel('Tên').fill('Lũng Táo')
  await communes.getByLabel('Huyện').fill('Đồng Văn')
  await communes.getByLabel('Tỉnh').fill('Hà Giang')
  await communes.getByRole('button', { name: 'Lưu' }).click()
  const shared = communes.locator('li').filter({ hasText: 'Lũng Táo' })
  await expect(shared.getByTestId('row-locked')).toHaveText('Dùng chung với khối khác: Ban Thi đua – Khen thưởng tỉnh sửa')
  await expect(shared.getByRole('button', { name: 'Sửa' })).toHaveCount(0)

  await office.reload()
  const places = office.getByTestId('province-communes')
  const place = places.locator('li').filter({ hasText: 'Lũng Táo' })
  await expect(place).toContainText('Khối thi đua các sở, ngành kinh tế')
  await expect(place).toContainText('Khối thi đua Mặt trận Tổ quốc và các đoàn thể tỉnh')
  await expectAccessible(office, 'province communes')
  await place.getByRole('button', { name: 'Sửa' }).click()
  await places.getByLabel('Tên').fill('Lũng Táo (thôn Lũng Táo)')
  await places.getByRole('button', { name: 'Lưu' }).click()
  await expect(places.locator('li').filter({ hasText: 'Lũng Táo (thôn Lũng Táo) – Đồng Văn, Hà Giang' })).toBeVisible()
  await admin.reload()
  await expect(communes.locator('li').filter({ hasText: 'Lũng Táo (thôn Lũng Táo)' })).toBeVisible()

  // The bloc's admin forgot the password: the office sets a new one, and the old session ends.
  const reset = office.getByTestId('province-password')
  await reset.getByLabel('Người quản trị').selectOption('admin.kinhte')
  await reset.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill('mật khẩu mới khối kinh tế')
  await reset.getByRole('button', { name: 'Đặt mật khẩu mới' }).click()
  await expect(office.getByTestId('province-password-set')).toHaveText('Đã đặt mật khẩu mới cho admin.kinhte.')
  await admin.reload()
  await admin.getByLabel('Tên đăng nhập').fill('admin.kinhte')
  await admin.getByLabel('Mật khẩu').fill('mật khẩu mới khối kinh tế')
  await admin.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(admin.getByTestId('dashboard-who')).toContainText('Thường trực khối kinh tế')
})
