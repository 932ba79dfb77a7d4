import { expect, test, type Browser, type Page } from '@playwright/test'
import { phoneContext } from '../../playwright.config'
import { demoAccess, startEndpoint, tempDir, type Endpoint } from './endpoint'
import { expectAccessible, expectHeading } from './helpers'

// axe-core over every field screen on a 360 px phone and every dashboard screen on a laptop,
// with the demo's data in them (this year's visits and photos too): no serious or critical violation anywhere.
const port = 4180
test.use({ baseURL: `http://localhost:${port}` })
let endpoint: Endpoint
let adminPassword: string
let enrollLink: string

test.beforeAll(async () => {
  endpoint = await startEndpoint('server.ts', port, { DATA_DIR: tempDir('giao-uoc-a11y-'), SEED_DEMO_THIS_YEAR: 'true' })
  const access = demoAccess(endpoint)
  adminPassword = access.adminPassword
  enrollLink = access.enrollLink
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

async function phonePage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ ...phoneContext, baseURL: endpoint.url })).newPage()
}

test('every field screen', async ({ browser }) => {
  test.setTimeout(180_000)
  const page = await phonePage(browser)
  await page.goto('/enroll')
  await expectHeading(page, 'Đăng ký thiết bị')
  await expectAccessible(page, 'enrolling')
  // A page of its own: on the same address, only the fragment changing would not open the link.
  await page.goto('about:blank')
  await page.goto(enrollLink)
  await expectHeading(page, 'Xã phụ trách')
  await expectAccessible(page, 'communes')

  await page.getByTestId('commune-list').getByRole('link').first().click()
  await expect(page.getByRole('link', { name: 'Báo cáo mới' })).toBeVisible()
  await expectAccessible(page, 'a commune')
  await page.getByRole('link', { name: 'Báo cáo mới' }).click()
  await expect(page.getByTestId('ticked-count')).toBeVisible()
  const first = page.locator('[data-testid^="entry-"]').first()
  await first.getByRole('checkbox').check()
  await first.getByText('Hoàn thành').click()
  const amount = first.getByLabel(/^(Số lượng|Tỷ lệ)/)
  if (await amount.count()) await amount.fill('1')
  await page.getByLabel('Tóm tắt').fill('Kiểm tra khả năng tiếp cận')
  await expect(page.getByTestId('save-state')).toHaveText('Đã lưu trên máy')
  await expectAccessible(page, 'the report form, a commitment ticked')
  await page.getByRole('button', { name: 'Gửi' }).click()
  await expect(page.getByTestId('report-state')).toBeVisible()
  await expectAccessible(page, 'a report')

  for (const [link, heading] of [
    ['Giao ước', /^Giao ước thi đua năm \d{4}$/],
    ['Cần làm', 'Cần làm'],
    ['Báo cáo', 'Báo cáo'],
    ['Cài đặt', 'Cài đặt'],
  ] as const) {
    await page.getByRole('navigation').getByRole('link', { name: link }).click()
    await expectHeading(page, heading)
    await expectAccessible(page, link)
  }
  await page.getByRole('link', { name: 'Hướng dẫn sử dụng' }).click()
  await expectHeading(page, 'Hướng dẫn')
  await expectAccessible(page, 'help')
  await page.goto('/exemplars')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expectAccessible(page, 'exemplary cases')
  await page.goto('/exemplars/new')
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expectAccessible(page, 'an exemplary case')
})

test('every dashboard screen, the progress matrix included', async ({ browser }) => {
  test.setTimeout(180_000)
  const page = await (await browser.newContext({ baseURL: endpoint.url, viewport: { width: 1280, height: 900 }, locale: 'vi-VN' })).newPage()
  await page.goto('/dashboard')
  await expectHeading(page, 'Đăng nhập quản lý')
  await expectAccessible(page, 'logging in')
  await page.getByLabel('Tên đăng nhập').fill('admin')
  await page.getByLabel('Mật khẩu').fill(adminPassword)
  await page.getByRole('button', { name: 'Đăng nhập' }).click()
  await expect(page.getByTestId('progress-matrix')).toBeVisible()
  await expectAccessible(page, 'progress')

  await page.getByTestId('progress-matrix').locator('tbody th a').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('tiến độ năm')
  await expectAccessible(page, 'a unit')
  await page.getByRole('main').getByRole('link', { name: 'Sủng Thài' }).click()
  await expectHeading(page, 'Xã Sủng Thài')
  await expectAccessible(page, 'a commune')

  const nav = page.getByRole('navigation', { name: 'Điều hướng trang quản lý' })
  for (const [link, screen] of [
    ['Cán bộ', 'members'],
    ['Thiết lập', 'setup'],
    ['Nhật ký', 'audit'],
  ] as const) {
    await nav.getByRole('link', { name: link, exact: true }).click()
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    await expect(page.getByText('Đang tải…')).toHaveCount(0)
    await expectAccessible(page, screen)
  }
  await nav.getByRole('link', { name: 'Thiết lập', exact: true }).click()
  await page.getByTestId('setup-covenants').getByRole('link', { name: 'Mở' }).first().click()
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Giao ước')
  await expectAccessible(page, 'a covenant')

  // This year's demo visits, each with its photos.
  await nav.getByRole('link', { name: 'Báo cáo', exact: true }).click()
  await expect(page.getByTestId('report-table')).toBeVisible()
  await expectAccessible(page, 'reports')
  await page.getByTestId('report-table').locator('tbody a').first().click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(/^Báo cáo \d{2}-\d{6}$/)
  await expectAccessible(page, 'a report')
  await nav.getByRole('link', { name: 'Ảnh', exact: true }).click()
  await expectHeading(page, 'Ảnh minh chứng')
  await expect(page.getByText('Đang tải…')).toHaveCount(0)
  await expect(page.getByTestId('gallery').locator('img').nth(20)).toBeVisible()
  await expectAccessible(page, 'gallery')
  // Last year, with the demo's reports, being evaluated.
  await page.getByTestId('dashboard-year').selectOption(String(new Date().getFullYear() - 1))
  await nav.getByRole('link', { name: 'Đánh giá, xếp hạng', exact: true }).click()
  await expect(page.getByTestId('evaluation-row').first()).toBeVisible()
  await expectAccessible(page, 'last year’s evaluation')
})
