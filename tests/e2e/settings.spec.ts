import { expect, test } from '@playwright/test'
import { expectFitsPhone, expectHeading, openControlled } from './helpers'

test('the language can be switched to English and stays after a reload', async ({ page }) => {
  await page.goto('/settings')
  await expectHeading(page, 'Cài đặt')
  await expect(page.locator('html')).toHaveAttribute('lang', 'vi')

  await page.getByText('English', { exact: true }).click()
  await expectHeading(page, 'Settings')
  await expect(page.getByRole('navigation')).toContainText('My communes')

  await page.reload()
  await expectHeading(page, 'Settings')
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')

  await page.getByText('Tiếng Việt', { exact: true }).click()
  await expectHeading(page, 'Cài đặt')
})

test('Settings shows the version, the storage used and the result of "keep data"', async ({ page }) => {
  await page.goto('/settings')
  await expect(page.getByTestId('app-version')).toHaveText(/^Phiên bản \d+\.\d+\.\d+ \(bản dựng .+\)$/)
  await expect(page.getByTestId('storage-usage')).toHaveText(/^Đã dùng [\d.,]+ (B|KB|MB|GB) trên [\d.,]+ (B|KB|MB|GB|TB) \([\d,]+%\)$/)
  await expect(page.getByText('Dữ liệu trên máy:')).toContainText('Sẵn sàng')

  const keep = page.getByRole('button', { name: 'Giữ dữ liệu trên máy' })
  if (await keep.isVisible()) await keep.click()
  await expect(page.getByTestId('persist-result')).toHaveText(
    /^(Đã bật: trình duyệt sẽ không tự xoá dữ liệu của ứng dụng\.|Trình duyệt chưa cho phép\. Hãy cài ứng dụng vào màn hình chính rồi thử lại\.)$/,
  )
})

for (const path of ['/enroll', '/settings', '/help', '/not-a-page']) {
  test(`${path} fits 360 px and every control is at least 44 px tall`, async ({ page }) => {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    await expectFitsPhone(page)
  })
}

test('Hướng dẫn opens offline from Settings and from enrolling: enrolling, reporting, sending, each state, a refusal, handing the phone on', async ({ page, context }) => {
  await openControlled(page, '/settings')
  await context.setOffline(true)
  await page.getByRole('link', { name: 'Hướng dẫn sử dụng' }).click()
  await expectHeading(page, 'Hướng dẫn')
  for (const section of ['enroll', 'report', 'send', 'states', 'refused', 'handOver']) await expect(page.getByTestId(`help-${section}`)).toBeVisible()
  await expect(page.getByTestId('help-report')).toContainText('«1.500» là một nghìn năm trăm')
  await expect(page.getByTestId('help-states')).toContainText('Bị từ chối')
  await expect(page.getByTestId('help-states')).toContainText('máy chủ không nhận, cần sửa theo lý do')
  await page.goto('/enroll')
  await page.getByRole('link', { name: 'Hướng dẫn sử dụng' }).click()
  await expectHeading(page, 'Hướng dẫn')
})

test('a phone not yet enrolled is sent from every field screen to enroll', async ({ page }) => {
  for (const path of ['/', '/covenant', '/communes/00000000-0000-4000-8000-000000000000', '/reports', '/reports/new']) {
    await page.goto(path)
    await expectHeading(page, 'Đăng ký thiết bị')
    await expect(page).toHaveURL(/\/enroll$/)
  }
  await page.goto('/settings')
  await expect(page.getByTestId('device')).toContainText('Máy này chưa được đăng ký với đơn vị.')
})
