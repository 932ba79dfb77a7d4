import fs from 'node:fs'
import readExcelFile from 'read-excel-file/node'
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { phoneContext } from '../../playwright.config'
import { demoAccess, startEndpoint, tempDir, type Endpoint } from './endpoint'
import { expectHeading } from './helpers'

// The year's end as the bloc lives it, on the demo's last year: a cadre puts forward an exemplary
// person from an offline phone; the secretariat opens the evaluation, a unit's lead assesses the
// unit with evidence from its reports, is sent back once, submits again; the bloc scores the
// unit, records the vote, ranks, proposes the cadre's case and publishes; the records print and
// the workbook reads back; once the year is closed nothing moves.
const port = 4179
test.use({ baseURL: `http://localhost:${port}` })
let endpoint: Endpoint
const dataDir = tempDir('giao-uoc-evaluation-')
let adminPassword: string
let enrollLink: string

test.beforeAll(async () => {
  endpoint = await startEndpoint('server.ts', port, { DATA_DIR: dataDir })
  const access = demoAccess(endpoint)
  adminPassword = access.adminPassword
  enrollLink = access.enrollLink
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

/** A browser of its own at a laptop, every confirmation answered yes. */
async function laptop(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: endpoint.url, viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })
  context.on('page', (page) => page.on('dialog', (dialog) => void dialog.accept()))
  return context.newPage()
}

async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/dashboard')
  await expectHeading(page, 'Đăng nhập quản lý')
  await page.getByLabel('Tên đăng nhập').fill(username)
  await page.getByLabel('Mật khẩu').fill(password)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(page.getByTestId('dashboard-who')).toBeVisible()
}

/** A small JPEG drawn in the page, as a phone's camera would give. */
async function photoOf(page: Page): Promise<Buffer> {
  const base64 = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(800, 600)
    const context = canvas.getContext('2d')
    if (!context) throw new Error('no 2d context')
    context.fillStyle = 'hsl(200, 40%, 45%)'
    context.fillRect(0, 0, 800, 600)
    const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 })).arrayBuffer())
    return btoa(String.fromCharCode(...bytes))
  })
  return Buffer.from(base64, 'base64')
}

const line = (page: Page, title: string): Locator => page.getByTestId('score-sheet').getByTestId('score-line').filter({ hasText: title })
const rowOf = (page: Page, unit: string): Locator => page.getByTestId('evaluation-row').filter({ hasText: unit })
const YEAR_GOALS = 'Hoàn thành các mục tiêu, nhiệm vụ năm'

/**
 * Text to compare, every space removed: Chromium's PDF splits Vietnamese words into pieces, and
 * may give a letter's marks apart (composed here) or an "ỉ" as a dotless i with its hook.
 */
const strip = (text: string): string => text.normalize('NFD').replace(/ı/g, 'i').normalize('NFC').replace(/\s+/g, '')

/** The record open at `href`, printed to an A4 PDF and read back as text, spaces removed. */
async function printedText(page: Page, href: string): Promise<string> {
  await page.goto(href)
  await expect(page.getByTestId('record')).toBeVisible()
  await page.evaluate(() => document.fonts.ready)
  await page.emulateMedia({ media: 'print' })
  const pdf = await page.pdf({ format: 'A4' })
  await page.emulateMedia({ media: 'screen' })
  const doc = await getDocument({ data: new Uint8Array(pdf) }).promise
  const texts: string[] = []
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent()
    texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(''))
  }
  return strip(texts.join(''))
}

test('last year: a unit assesses itself with evidence, is returned once, the bloc scores and ranks it, proposes a cadre’s exemplary case, and a closed year refuses changes', async ({
  browser,
}) => {
  test.setTimeout(300_000)
  // The demo bloc's last year, with a year of reports from every unit, being evaluated.
  const year = new Date().getFullYear() - 1

  // 1. The admin gives the lead of the admin's own unit a username and a password.
  const admin = await laptop(browser)
  await logIn(admin, 'admin', adminPassword)
  await admin.getByRole('link', { name: 'Cán bộ' }).click()
  await admin.getByTestId('members-unit').selectOption({ label: 'Ban Tổ chức Tỉnh ủy' })
  await admin.getByTestId('member').filter({ hasText: 'Nguyễn Thị Thu Hà' }).getByRole('button', { name: 'Sửa' }).click()
  const memberForm = admin.getByTestId('member-form')
  await memberForm.getByLabel('Tên đăng nhập').fill('thuha')
  await memberForm.getByLabel('Mật khẩu mới (để trống nếu giữ nguyên)').fill('Lũng Cú 2026 xuân')
  await memberForm.getByRole('button', { name: 'Lưu' }).click()
  await expect(admin.getByText('Đã lưu thông tin Nguyễn Thị Thu Hà.')).toBeVisible()

  // 2. A cadre of the unit, on the demo phone with no signal, puts forward an exemplary person
  //    for last year with a photo; the case goes by itself once the signal is back.
  const cadreContext = await browser.newContext({ ...phoneContext, baseURL: endpoint.url })
  const cadre = await cadreContext.newPage()
  await cadre.goto(enrollLink)
  await expectHeading(cadre, 'Xã phụ trách')
  await cadre.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
  const picture = await photoOf(cadre)
  await cadreContext.setOffline(true)
  await cadre.getByRole('link', { name: 'Báo cáo', exact: true }).click()
  await cadre.getByTestId('exemplars-link').click()
  await cadre.getByTestId('exemplar-new').click()
  await cadre.getByTestId(`exemplar-year-${year}`).click()
  await cadre.getByTestId('exemplar-kind-individual').click()
  await cadre.getByTestId('exemplar-nominee').fill('Vàng Mí Lử')
  await cadre.getByTestId('exemplar-role').fill('Trưởng thôn Lô Lô Chải, xã Lũng Cú')
  await cadre.getByTestId('exemplar-story').fill('Vận động 12 hộ hiến đất làm đường liên thôn; nhân rộng mô hình nuôi bò giúp 5 hộ thoát nghèo.')
  await cadre.getByTestId('photo-gallery').setInputFiles({ name: 'ong-lu.jpg', mimeType: 'image/jpeg', buffer: picture })
  await expect(cadre.getByTestId('photo')).toHaveCount(1, { timeout: 60_000 })
  await cadre.getByTestId('exemplar-send').click()
  const sentCase = cadre.getByTestId('exemplar').filter({ hasText: 'Vàng Mí Lử' })
  await expect(sentCase.getByTestId('exemplar-state')).toHaveText('Chờ gửi')
  await cadreContext.setOffline(false)
  await expect(sentCase.getByTestId('exemplar-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  await expect(sentCase.getByTestId('exemplar-receipt')).toContainText(/Số biên nhận \d{2}-\d{6}/)

  // 3. At the year's end the evaluation opens on the year being evaluated, every unit in it.
  await admin.getByRole('link', { name: 'Đánh giá, xếp hạng', exact: true }).click()
  await expectHeading(admin, `Đánh giá, xếp hạng năm ${year}`)
  await expect(admin.getByTestId('evaluation-row')).toHaveCount(6)
  await expect(rowOf(admin, 'Ban Tổ chức Tỉnh ủy')).toContainText('Đang soạn')

  // 4. The lead opens the unit's sheet: suggestions from the year's reports are filled in; one is
  //    changed, with why and the report that shows it, and a bonus item is added.
  const lead = await laptop(browser)
  await logIn(lead, 'thuha', 'Lũng Cú 2026 xuân')
  await lead.getByRole('link', { name: 'Đánh giá, xếp hạng', exact: true }).click()
  await expectHeading(lead, `Đánh giá, xếp hạng năm ${year}`)
  await expect(lead.getByTestId('score-sheet')).toContainText('Bảng điểm: Ban Tổ chức Tỉnh ủy')
  await expect(lead.getByTestId('evaluation-row')).toHaveCount(1)
  const goals = line(lead, YEAR_GOALS)
  const suggested = ((await goals.getByTestId('suggested').textContent()) ?? '').replace('Gợi ý: ', '')
  expect(suggested).toMatch(/^\d+(,\d+)?$/)
  await expect(goals.getByLabel('Điểm tự chấm (tối đa 20)')).toHaveValue(suggested.replace(',', '.'))
  await goals.getByLabel('Điểm tự chấm (tối đa 20)').fill('25')
  await expect(goals.getByText('Điểm phải từ 0 đến 20.')).toBeVisible()
  await expect(lead.getByRole('button', { name: 'Lưu bảng điểm' })).toBeDisabled()
  await goals.getByLabel('Điểm tự chấm (tối đa 20)').fill('18.5')
  await goals.getByLabel('Giải trình').fill('Hoàn thành 12/12 nhiệm vụ Tỉnh ủy giao; còn chậm một báo cáo chuyên đề.')
  await goals.getByText('Minh chứng: 0 báo cáo, 0 ảnh').click()
  const evidenceReport = goals.getByTestId('evidence').getByRole('checkbox').first()
  const evidenceName = ((await goals.getByTestId('evidence').locator('.evidence__report').first().textContent()) ?? '').trim()
  await evidenceReport.check()
  await expect(goals.getByText('Minh chứng: 1 báo cáo, 0 ảnh')).toBeVisible()
  await lead.getByRole('button', { name: 'Thêm điểm thưởng' }).click()
  const bonus = lead.getByTestId('items-edit').getByTestId('score-item')
  await bonus.getByLabel('Nội dung').fill('Sáng kiến số hóa hồ sơ đảng viên')
  await bonus.getByLabel('Điểm', { exact: true }).fill('2')
  await bonus.getByLabel('Lý do').fill('Được Tỉnh ủy công nhận sáng kiến cấp tỉnh')
  await lead.getByRole('button', { name: 'Lưu bảng điểm' }).click()
  await expect(lead.getByText('Đã lưu bảng điểm.')).toBeVisible()
  await expect(rowOf(lead, 'Ban Tổ chức Tỉnh ủy')).toContainText('Đang soạn')
  await lead.getByRole('button', { name: 'Nộp', exact: true }).click()
  await expect(lead.getByTestId('self-status')).toHaveText('Đã nộp')
  await expect(goals.getByTestId('self-points')).toHaveText('18,5')
  await expect(lead.getByRole('button', { name: 'Lưu bảng điểm' })).toHaveCount(0)

  // 5. The admin reads the submitted sheet, with its evidence, and returns it with a comment.
  await admin.getByRole('button', { name: 'Tải lại' }).click()
  await expect(rowOf(admin, 'Ban Tổ chức Tỉnh ủy')).toContainText('Đã nộp')
  await rowOf(admin, 'Ban Tổ chức Tỉnh ủy').getByRole('button', { name: 'Bảng điểm của Ban Tổ chức Tỉnh ủy' }).click()
  const adminGoals = line(admin, YEAR_GOALS)
  await expect(adminGoals.getByTestId('self-points')).toHaveText('18,5')
  await expect(adminGoals).toContainText('còn chậm một báo cáo chuyên đề')
  await expect(adminGoals.getByRole('link', { name: evidenceName })).toBeVisible()
  await expect(admin.getByTestId('score-sheet').getByTestId('items-read').first()).toContainText('Điểm thưởng: Sáng kiến số hóa hồ sơ đảng viên, 2 điểm')
  const returnForm = admin.getByTestId('return-form')
  await expect(returnForm.getByRole('button', { name: 'Trả lại' })).toBeDisabled()
  await returnForm.getByLabel('Ý kiến gửi đơn vị').fill('Bổ sung biên bản kiểm điểm cuối năm làm minh chứng')
  await returnForm.getByRole('button', { name: 'Trả lại' }).click()
  await expect(rowOf(admin, 'Ban Tổ chức Tỉnh ủy')).toContainText('Trả lại')

  // 6. The lead sees why, changes the sheet and submits again.
  await lead.getByRole('button', { name: 'Tải lại' }).click()
  await expect(lead.getByTestId('returned-comment')).toContainText('Bổ sung biên bản kiểm điểm cuối năm làm minh chứng')
  await line(lead, YEAR_GOALS).getByLabel('Điểm tự chấm (tối đa 20)').fill('18')
  await lead.getByRole('button', { name: 'Nộp', exact: true }).click()
  await expect(lead.getByTestId('self-status')).toHaveText('Đã nộp')
  await expect(line(lead, YEAR_GOALS).getByTestId('self-points')).toHaveText('18')

  // 7. The admin scores the unit for the bloc, with a penalty item, and records the vote.
  await admin.getByRole('button', { name: 'Tải lại' }).click()
  await expect(admin.getByTestId('self-status')).toHaveText('Đã nộp')
  await expect(line(admin, YEAR_GOALS).getByLabel('Điểm khối chấm (tối đa 20)')).toHaveValue('18')
  await line(admin, YEAR_GOALS).getByLabel('Điểm khối chấm (tối đa 20)').fill('17')
  await line(admin, YEAR_GOALS).getByLabel('Nhận xét của khối').fill('Chưa đủ biên bản kiểm điểm')
  await admin.getByRole('button', { name: 'Thêm điểm trừ' }).click()
  const penalty = admin.getByTestId('items-edit').getByTestId('score-item')
  await penalty.getByLabel('Nội dung').fill('Nộp báo cáo tổng kết muộn')
  await penalty.getByLabel('Điểm', { exact: true }).fill('1')
  await admin.getByRole('button', { name: 'Lưu điểm khối chấm' }).click()
  await expect(admin.getByText('Đã lưu bảng điểm.')).toBeVisible()
  const organisation = rowOf(admin, 'Ban Tổ chức Tỉnh ủy')
  await expect(organisation.getByTestId('evaluation-rank')).toHaveText('1')
  const votes = admin.getByTestId('votes')
  await expect(votes).toContainText('Được suy tôn khi có hơn 3 phiếu (50% của 6 đơn vị thành viên).')
  await votes.getByLabel('Ban Tổ chức Tỉnh ủy').fill('5')
  await votes.getByLabel('Ban Tuyên giáo Tỉnh ủy').fill('1')
  await votes.getByRole('button', { name: 'Lưu kết quả bỏ phiếu' }).click()
  await expect(votes.getByText('Đã lưu kết quả bỏ phiếu.')).toBeVisible()
  await expect(organisation).toContainText('5 · đạt')
  const propaganda = rowOf(admin, 'Ban Tuyên giáo Tỉnh ủy')
  await expect(propaganda).toContainText('1 · chưa đạt')
  await expect(propaganda.getByTestId('evaluation-rank')).toHaveText('2')
  await expect(propaganda).toContainText('nhờ: nhiều phiếu bầu hơn')
  await expect(admin.getByTestId('evaluation-row').first()).toContainText('Ban Tổ chức Tỉnh ủy')

  // The cadre's case is on the page with its photo; the admin proposes it for a Bằng khen and approves it.
  const fromField = admin.getByTestId('exemplars').getByTestId('exemplar').filter({ hasText: 'Vàng Mí Lử' })
  await expect(fromField).toContainText('Trưởng thôn Lô Lô Chải, xã Lũng Cú')
  await expect(fromField.getByTestId('exemplar-photo')).toBeVisible()
  await expect(fromField.getByTestId('exemplar-photo')).toHaveJSProperty('complete', true)
  expect(await fromField.getByTestId('exemplar-photo').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBeGreaterThan(0)
  await fromField.getByTestId('exemplar-propose').click()
  const proposalForm = admin.getByTestId('exemplars').getByTestId('proposal-form')
  await proposalForm.getByLabel('Hình thức khen thưởng').selectOption('Bằng khen')
  await expect(proposalForm.getByLabel('Tên tập thể, cá nhân')).toHaveValue('Vàng Mí Lử, Trưởng thôn Lô Lô Chải, xã Lũng Cú')
  await expect(proposalForm.getByLabel('Thành tích')).toHaveValue(/Vận động 12 hộ hiến đất/)
  await proposalForm.getByRole('button', { name: 'Lưu đề nghị' }).click()
  const proposals = admin.getByTestId('proposals')
  const proposal = proposals.getByTestId('proposal').filter({ hasText: 'Vàng Mí Lử' })
  await expect(proposal.getByTestId('proposal-exemplar')).toContainText('Điển hình do Ban Tổ chức Tỉnh ủy đề xuất từ cơ sở')
  await expect(proposal).toContainText('Đề nghị')
  await proposal.getByRole('button', { name: 'Duyệt' }).click()
  await expect(proposal).toContainText('Đã duyệt')
  await expect(fromField.getByTestId('exemplar-proposed')).toBeVisible()
  await votes.getByRole('button', { name: 'Công bố kết quả' }).click()
  await expect(admin.getByText(/^Đã công bố kết quả lúc/)).toBeVisible()

  // The score sheet as a workbook, read back.
  const download = admin.waitForEvent('download')
  await admin.getByRole('button', { name: 'Xuất Excel bảng điểm' }).click()
  const workbook = await download
  expect(workbook.suggestedFilename()).toMatch(/\.xlsx$/)
  const sheets = await readExcelFile(fs.readFileSync((await workbook.path()) ?? ''))
  expect(sheets.map((sheet) => sheet.sheet)).toEqual(['Bảng điểm', 'Chi tiết chấm điểm', 'Điểm thưởng, điểm trừ'])
  const [ranked, lines, items] = sheets.map((sheet) => sheet.data)
  expect(ranked?.[0]).toEqual(expect.arrayContaining(['Xếp hạng', 'Đơn vị', 'Tổng điểm']))
  expect(ranked?.[1]).toEqual(expect.arrayContaining([1, 'Ban Tổ chức Tỉnh ủy']))
  expect(lines?.some((row) => row.includes('Ban Tổ chức Tỉnh ủy') && row.includes(YEAR_GOALS) && row.includes(17))).toBe(true)
  expect(items?.some((row) => row.includes('Sáng kiến số hóa hồ sơ đảng viên'))).toBe(true)
  expect(items?.some((row) => row.includes('Nộp báo cáo tổng kết muộn'))).toBe(true)

  // 8. The bloc's records print from the browser to A4 PDFs in the administrative layout.
  const recordsForm = admin.getByTestId('records-form')
  await recordsForm.getByText('Tiêu đề, chữ ký của biên bản in').click()
  await recordsForm.getByLabel('Cơ quan ban hành').fill('TỈNH ỦY HÀ GIANG\nKHỐI CÁC BAN ĐẢNG')
  await recordsForm.getByLabel('Địa danh').fill('Hà Giang')
  await recordsForm.getByLabel('Họ tên người ký').fill('Nguyễn Thị Thu Hà')
  await recordsForm.getByRole('button', { name: 'Lưu tiêu đề biên bản' }).click()
  await expect(recordsForm.getByText('Đã lưu tiêu đề biên bản.')).toBeVisible()
  const records = admin.getByTestId('evaluation-records')
  const scoresHref = (await records.getByRole('link', { name: 'Bảng tổng hợp điểm' }).getAttribute('href')) ?? ''
  const minutesHref = (await records.getByRole('link', { name: 'Biên bản họp bình xét' }).getAttribute('href')) ?? ''
  const printer = await admin.context().newPage()
  const scores = await printedText(printer, scoresHref)
  for (const text of [
    'ĐẢNG CỘNG SẢN VIỆT NAM',
    'Số:/BB-KTĐ',
    `BẢNG TỔNG HỢP KẾT QUẢ CHẤM ĐIỂM THI ĐUA NĂM ${year}`,
    'Ban Tổ chức Tỉnh ủy',
    'TỈNH ỦY HÀ GIANG',
    'KHỐI CÁC BAN ĐẢNG',
    'Hà Giang, ngày',
    'TM. ĐƠN VỊ TRƯỞNG KHỐI',
    'Nguyễn Thị Thu Hà',
  ])
    expect(scores).toContain(strip(text))
  const minutes = await printedText(printer, minutesHref)
  for (const text of [
    `BIÊN BẢN HỌP BÌNH XÉT THI ĐUA NĂM ${year}`,
    'Ban Tổ chức Tỉnh ủy',
    'hơn 50% của 6 đơn vị thành viên',
    'Đơn vị được suy tôn: Ban Tổ chức Tỉnh ủy.',
    'Bằng khen',
    'Vàng Mí Lử, Trưởng thôn Lô Lô Chải, xã Lũng Cú',
  ])
    expect(minutes).toContain(strip(text))
  await printer.close()

  // 9. The lead now sees the whole ranking.
  await lead.getByRole('button', { name: 'Tải lại' }).click()
  await expect(lead.getByTestId('evaluation-row')).toHaveCount(6)
  await expect(rowOf(lead, 'Ban Tổ chức Tỉnh ủy').getByTestId('evaluation-rank')).toHaveText('1')

  // 10. In another tab the admin closes the year; the sheet still open there is refused, and says so.
  const covenantTab = await admin.context().newPage()
  await covenantTab.goto('/dashboard/setup')
  await covenantTab
    .getByTestId('setup-covenants')
    .getByRole('listitem')
    .filter({ hasText: String(year) })
    .getByRole('link', { name: 'Mở' })
    .click()
  await expectHeading(covenantTab, `Giao ước thi đua năm ${year}`)
  await covenantTab.getByRole('button', { name: 'Kết thúc năm' }).click()
  await expect(covenantTab.getByTestId('covenant-status')).toHaveText('Đã kết thúc')
  await line(admin, YEAR_GOALS).getByLabel('Điểm khối chấm (tối đa 20)').fill('19')
  await admin.getByRole('button', { name: 'Lưu điểm khối chấm' }).click()
  await expect(admin.getByTestId('evaluation-error')).toContainText('Năm này đã kết thúc: kết quả không thay đổi được nữa.')
  await expect(admin.getByTestId('evaluation-closed')).toBeVisible()
  await expect(line(admin, YEAR_GOALS).getByTestId('bloc-points')).toHaveText('17')
  await expect(admin.getByRole('button', { name: 'Lưu điểm khối chấm' })).toHaveCount(0)
})
