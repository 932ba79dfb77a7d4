import { expect, test } from '@playwright/test'
import { expectHeading } from './helpers'

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

for (const path of ['/', '/covenant', '/reports', '/reports/new', '/settings']) {
  test(`${path} fits 360 px and every control is at least 44 px tall`, async ({ page }) => {
    await page.goto(path)
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)

    const controls = page.locator('a[href], button, label:has(input)')
    for (const control of await controls.all()) {
      if (!(await control.isVisible())) continue
      const box = await control.boundingBox()
      expect(box?.height ?? 0, await control.innerText()).toBeGreaterThanOrEqual(44)
    }
  })
}

test('the bottom navigation reaches every field screen', async ({ page }) => {
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' })
  for (const [label, heading] of [
    ['Giao ước', 'Giao ước thi đua'],
    ['Báo cáo', 'Báo cáo'],
    ['Cài đặt', 'Cài đặt'],
    ['Xã phụ trách', 'Xã phụ trách'],
  ] as const) {
    await nav.getByRole('link', { name: label }).click()
    await expectHeading(page, heading)
  }
})
