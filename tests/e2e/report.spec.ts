import { expect, test, type Page } from '@playwright/test'
import fs from 'node:fs'
import path from 'node:path'
import { startEndpoint, tempDir, type Endpoint } from './endpoint'
import { expectFitsPhone, expectHeading } from './helpers'

// A cadre in the commune, without signal from enrollment on: a report with two photos.
const port = 4177
test.use({ baseURL: `http://localhost:${port}` })
let endpoint: Endpoint
let link: string
const dataDir = tempDir('giao-uoc-report-')

test.beforeAll(async () => {
  endpoint = await startEndpoint('server.ts', port, { DATA_DIR: dataDir })
  link = /(http:\/\/localhost:\d+\/enroll#code=[0-9A-Z-]+)/.exec(endpoint.output())?.[1] ?? ''
  expect(link).not.toBe('')
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

/** A camera-sized JPEG (4000×3000 unless told) drawn in the page, with noise so it compresses like a photo. */
async function cameraJpeg(page: Page, seed: number, width = 4000, height = 3000): Promise<Buffer> {
  const base64 = await page.evaluate(
    async ({ seed, width, height }) => {
      const canvas = new OffscreenCanvas(width, height)
      const context = canvas.getContext('2d')
      if (!context) throw new Error('no 2d context')
      const gradient = context.createLinearGradient(0, 0, width, height)
      gradient.addColorStop(0, `hsl(${seed * 90}, 60%, 40%)`)
      gradient.addColorStop(1, `hsl(${seed * 90 + 120}, 60%, 70%)`)
      context.fillStyle = gradient
      context.fillRect(0, 0, width, height)
      let state = seed + 1
      for (let i = 0; i < 40_000; i++) {
        state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
        context.fillStyle = `hsl(${state % 360}, 50%, ${30 + (state % 50)}%)`
        context.fillRect(state % width, (state >> 8) % height, 6 + (state % 30), 6 + (state % 20))
      }
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.92 })
      const bytes = new Uint8Array(await blob.arrayBuffer())
      let binary = ''
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return btoa(binary)
    },
    { seed, width, height },
  )
  return Buffer.from(base64, 'base64')
}

interface StoredPhoto {
  size: number
  blobSize: number
  width: number
  height: number
  type: string
  thumbnail: { width: number; height: number }
  decoded: { width: number; height: number }
}

/** The photos as IndexedDB holds them, measured in the page. */
/** The amounts of every entry of every report the phone holds. */
function storedAmounts(page: Page): Promise<(number | null)[]> {
  return page.evaluate(
    () =>
      new Promise<(number | null)[]>((resolve, reject) => {
        const open = indexedDB.open('giao-uoc')
        open.onerror = () => reject(new Error(String(open.error)))
        open.onsuccess = () => {
          const read = open.result.transaction('reports').objectStore('reports').getAll()
          read.onerror = () => reject(new Error(String(read.error)))
          read.onsuccess = () => {
            open.result.close()
            resolve((read.result as { entries: { amount: number | null }[] }[]).flatMap((report) => report.entries.map((entry) => entry.amount)))
          }
        }
      }),
  )
}

function storedPhotos(page: Page): Promise<StoredPhoto[]> {
  return page.evaluate(
    () =>
      new Promise<StoredPhoto[]>((resolve, reject) => {
        const open = indexedDB.open('giao-uoc')
        open.onerror = () => reject(new Error(String(open.error)))
        open.onsuccess = () => {
          const read = open.result.transaction('photos').objectStore('photos').getAll()
          read.onerror = () => reject(new Error(String(read.error)))
          read.onsuccess = async () => {
            const rows = read.result as { size: number; width: number; height: number; type: string; blob: Blob; thumbnail: Blob }[]
            const measured = await Promise.all(
              rows.map(async (row) => {
                const [decoded, thumbnail] = await Promise.all([createImageBitmap(row.blob), createImageBitmap(row.thumbnail)])
                return {
                  size: row.size,
                  blobSize: row.blob.size,
                  width: row.width,
                  height: row.height,
                  type: row.type,
                  decoded: { width: decoded.width, height: decoded.height },
                  thumbnail: { width: thumbnail.width, height: thumbnail.height },
                }
              }),
            )
            resolve(measured)
          }
        }
      }),
  )
}

test('offline after enrollment: a report with camera photos survives reloads and closing, is queued, and shows in progress', async ({ page, context }) => {
  test.setTimeout(180_000)
  await page.goto(link)
  await expectHeading(page, 'Xã phụ trách')
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
  const photos = [await cameraJpeg(page, 1), await cameraJpeg(page, 2)]
  expect(photos.every((photo) => photo.length > 400 * 1024)).toBe(true)

  await context.setOffline(true)
  await page.getByRole('link', { name: /Lũng Cú/ }).click()
  // "Báo cáo mới" is in reach without scrolling; the form opens at its top, wherever the page before was.
  const newReport = page.getByRole('link', { name: 'Báo cáo mới' })
  await expect(newReport).toBeInViewport()
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight))
  await newReport.click()
  await expectHeading(page, 'Báo cáo mới: Lũng Cú')
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0)
  await expect(page.getByLabel('Tóm tắt')).toBeInViewport()
  await expectFitsPhone(page)

  // A checklist: nothing is ticked, and no status chosen, until the cadre says.
  await expect(page.getByTestId('ticked-count')).toHaveText('Đã chọn 0 nội dung')
  await expect(page.getByRole('radio')).toHaveCount(0)

  // Sending an empty report explains what is missing, next to the field.
  await page.getByRole('button', { name: 'Gửi' }).click()
  await expect(page.getByText('Hãy đánh dấu ít nhất một nội dung giao ước đã thực hiện.')).toBeVisible()

  const visits = page.getByTestId('entry-9')
  await visits.getByRole('checkbox').check()
  await visits.getByText('Hoàn thành').click()
  await visits.getByLabel('Số lượng (lượt)').fill('1')
  const households = page.getByTestId('entry-5')
  await households.getByRole('checkbox').check()
  await expect(households.getByRole('radio', { name: 'Đang thực hiện' })).toBeChecked()
  await expect(page.getByTestId('ticked-count')).toHaveText('Đã chọn 2 nội dung')
  await expect(page.getByRole('radio')).toHaveCount(6)
  // Numbers as Vietnamese write them: "1.500" is one thousand five hundred; "1,500" is asked back.
  const amount = households.getByLabel('Số lượng (hộ)')
  await amount.fill('1.500')
  await expect(households.getByTestId('amount-read')).toHaveText('Hiểu là: 1.500 hộ')
  await expect.poll(() => storedAmounts(page)).toContain(1500)
  await amount.fill('1,500')
  await expect(households.getByTestId('amount-unclear')).toContainText('Số «1,500» có thể hiểu theo nhiều cách.')
  await expect.poll(() => storedAmounts(page)).not.toContain(1500)
  await households.getByRole('button', { name: '1.500' }).click()
  await expect(amount).toHaveValue('1.500')
  await expect(households.getByTestId('amount-unclear')).toHaveCount(0)
  await expect.poll(() => storedAmounts(page)).toContain(1500)
  await amount.fill('3')
  await households.getByLabel('Ghi chú').fill('Trao bò giống cho 3 hộ nghèo thôn Lô Lô Chải')
  await page.getByLabel('Tóm tắt').fill('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò')
  await expect(page.getByTestId('save-state')).toHaveText('Đã lưu trên máy')
  await expect(page).toHaveURL(/\/reports\/[0-9a-f-]{36}\/edit$/)

  await page.getByTestId('photo-gallery').setInputFiles([
    { name: 'anh-1.jpg', mimeType: 'image/jpeg', buffer: photos[0] ?? Buffer.alloc(0) },
    { name: 'anh-2.jpg', mimeType: 'image/jpeg', buffer: photos[1] ?? Buffer.alloc(0) },
  ])
  await expect(page.getByTestId('photo')).toHaveCount(2, { timeout: 60_000 })
  await page.getByTestId('photo').first().getByPlaceholder('Chú thích').fill('Trao bò giống')
  await page.getByTestId('photo').first().getByPlaceholder('Chú thích').blur()

  await page.getByTestId('photo-gallery').setInputFiles({ name: 'ghi-chu.txt', mimeType: 'text/plain', buffer: Buffer.from('không phải ảnh') })
  await expect(page.getByText('Tệp «ghi-chu.txt» không phải là ảnh.')).toBeVisible()
  const corrupt = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF hỏng '.repeat(200))])
  await page.getByTestId('photo-gallery').setInputFiles({ name: 'hong.jpg', mimeType: 'image/jpeg', buffer: corrupt })
  await expect(page.getByText('Không đọc được ảnh «hong.jpg»: tệp có thể bị hỏng.')).toBeVisible()
  await expect(page.getByTestId('photo')).toHaveCount(2)

  // A 50-megapixel picture, with no declared type as some galleries give it, is kept like any other.
  await page.getByTestId('photo-gallery').setInputFiles({ name: 'anh-lon', mimeType: '', buffer: await cameraJpeg(page, 3, 8192, 6144) })
  await expect(page.getByTestId('photo')).toHaveCount(3, { timeout: 60_000 })
  await expectFitsPhone(page)

  await page.reload()
  await expectHeading(page, 'Báo cáo mới: Lũng Cú')
  await expect(page.getByLabel('Tóm tắt')).toHaveValue('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò')
  await expect(page.getByTestId('photo')).toHaveCount(3)
  await expect(page.getByTestId('photo').first().getByPlaceholder('Chú thích')).toHaveValue('Trao bò giống')
  const stored = await storedPhotos(page)
  expect(stored).toHaveLength(3)
  for (const photo of stored) {
    expect(photo.blobSize).toBe(photo.size)
    expect(photo.size).toBeLessThanOrEqual(300 * 1024)
    expect(photo.type).toBe('image/jpeg')
    expect(Math.max(photo.width, photo.height)).toBe(1600)
    expect(photo.decoded).toEqual({ width: photo.width, height: photo.height })
    expect(Math.max(photo.thumbnail.width, photo.thumbnail.height)).toBeLessThanOrEqual(320)
  }

  // Closing the app mid-sentence keeps what was typed a moment before.
  const address = page.url()
  await page.getByLabel('Tóm tắt').pressSequentially(' và trồng cỏ', { delay: 20 })
  await page.waitForTimeout(1000)
  await page.close()
  const again = await context.newPage()
  await again.goto(address)
  await expect(again.getByLabel('Tóm tắt')).toHaveValue('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò và trồng cỏ')

  // Location: a refusal is explained and blocks nothing; a rough fix is taken with a warning.
  const location = again.getByTestId('location')
  await location.getByRole('button', { name: 'Lấy vị trí' }).click()
  await expect(location.getByText(/^Chưa được phép lấy vị trí\./)).toBeVisible()
  await context.grantPermissions(['geolocation'])
  await context.setGeolocation({ latitude: 23.363894, longitude: 105.316109, accuracy: 150 })
  await location.getByRole('button', { name: 'Lấy vị trí' }).click()
  await expect(location).toContainText('23,36389; 105,31611')
  await expect(location).toContainText('Độ chính xác: khoảng 150 m')
  await expect(location.getByText(/^Vị trí chưa chính xác/)).toBeVisible()

  await again.getByRole('button', { name: 'Gửi' }).click()
  await expect(again.getByTestId('report-state')).toHaveText('Chờ gửi')
  await expect(again.getByText('23,36389; 105,31611')).toBeVisible()
  await again.getByRole('button', { name: 'Xem ảnh 1' }).click()
  await expect(again.getByRole('dialog')).toBeVisible()
  await again.getByRole('button', { name: 'Đóng' }).click()

  // A queued report can still be changed until it is sent, and stays queued.
  await again.getByRole('link', { name: 'Sửa' }).click()
  await expectHeading(again, 'Sửa báo cáo: Lũng Cú')
  await again.getByLabel('Tóm tắt').fill('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò, trồng cỏ')
  await expect(again.getByTestId('save-state')).toHaveText('Đã lưu trên máy')
  await again.goBack()
  await expect(again.getByTestId('report-summary')).toHaveText('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò, trồng cỏ')
  await expect(again.getByTestId('report-state')).toHaveText('Chờ gửi')
  // Or called back to a draft before it goes, and sent again.
  await again.getByTestId('report-recall').click()
  await expectHeading(again, 'Báo cáo mới: Lũng Cú')
  await expect(again.getByTestId('outbox-waiting')).toHaveCount(0)
  await again.getByRole('button', { name: 'Gửi' }).click()
  await expect(again.getByTestId('report-state')).toHaveText('Chờ gửi')
  // A draft is deleted, with its photo, once the cadre confirms; the queued report is untouched.
  await again.goto('/')
  await again.getByRole('link', { name: /Lũng Cú/ }).click()
  await again.getByRole('link', { name: 'Báo cáo mới' }).click()
  await again.getByLabel('Tóm tắt').fill('Bản nháp viết nhầm')
  await expect(again).toHaveURL(/\/reports\/[0-9a-f-]{36}\/edit$/)
  await expect(again.getByTestId('save-state')).toHaveText('Đã lưu trên máy')
  // "Cần làm" names the unsent draft, and opens it.
  await again.getByRole('link', { name: 'Cần làm' }).click()
  await expectHeading(again, 'Cần làm')
  const unsent = again.getByTestId('todo-unsent')
  await expect(unsent).toContainText('Bản nháp chưa gửi')
  await unsent.getByRole('link', { name: /Bản nháp viết nhầm/ }).click()
  await expect(again.getByTestId('report-summary')).toHaveText('Bản nháp viết nhầm')
  again.once('dialog', (dialog) => void dialog.accept())
  await again.getByTestId('report-delete').click()
  await expectHeading(again, 'Lũng Cú')
  await again.goto('/reports')
  await expect(again.getByText('Bản nháp viết nhầm')).toHaveCount(0)
  await expect(again.getByTestId('report-list').getByRole('link')).toHaveCount(1)

  await again.goto('/covenant')
  const visitsItem = again.getByRole('listitem').filter({ hasText: 'Đi cơ sở xã được phân công' })
  await expect(visitsItem.getByTestId('progress')).toContainText('1 / 24 lượt, trong đó 1 chờ gửi')
  const householdsItem = again.getByRole('listitem').filter({ hasText: 'hộ nghèo được hỗ trợ' })
  await expect(householdsItem.getByTestId('progress')).toContainText('3 / 40 hộ, trong đó 3 chờ gửi')

  await again.goto('/reports')
  await expect(again.getByText('Chờ gửi (1)')).toBeVisible()
  await again.getByLabel('Tìm kiếm').fill('lung cu nuoi bo')
  await expect(again.getByTestId('report-list').getByRole('link')).toHaveCount(1)
  await again.getByLabel('Tìm kiếm').fill('xin cai')
  await expect(again.getByText('Không có báo cáo nào khớp.')).toBeVisible()
  await expect(again.getByTestId('outbox-waiting')).toHaveText('1 mục chờ gửi')

  // The phone is not handed on while anything waits: it says what.
  await again.goto('/settings')
  await again.getByRole('button', { name: 'Đăng xuất khỏi máy này' }).click()
  await expect(again.getByTestId('sign-out-unsent')).toContainText('1 báo cáo đang chờ gửi')
  await again.goto('/reports')

  // Back in signal: the report and its three photos go by themselves, and the receipt comes back.
  await again.getByLabel('Tìm kiếm').fill('')
  await again.getByTestId('report-list').getByRole('link').first().click()
  await context.setOffline(false)
  await expect(again.getByTestId('report-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  await expect(again.getByTestId('report-receipt')).toContainText(/Số biên nhận \d{2}-\d{6}/)
  await expect(again.getByTestId('outbox-status')).toContainText('Đã gửi hết')
  const photoFiles = fs.readdirSync(path.join(dataDir, 'photos'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
  expect(photoFiles).toHaveLength(3)
  await again.goto('/covenant')
  await expect(visitsItem.getByTestId('progress')).toContainText('1 / 24 lượt')
  await expect(visitsItem.getByTestId('progress')).not.toContainText('chờ gửi')

  // While the year is open, the cadre corrects the sent report: it goes again, under the same receipt.
  await again.goto('/reports')
  await again.getByTestId('report-list').getByRole('link').first().click()
  const receipt = (await again.getByTestId('report-receipt').textContent()) ?? ''
  await expect(again.getByTestId('report-correctable')).toBeVisible()
  await again.getByRole('link', { name: 'Sửa báo cáo đã gửi' }).click()
  await expectHeading(again, 'Sửa báo cáo: Lũng Cú')
  await again.getByLabel('Tóm tắt').fill('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò, trồng cỏ (sửa số hộ)')
  await again.getByRole('button', { name: 'Gửi' }).click()
  await expect(again.getByTestId('report-state')).toHaveText('Đã tiếp nhận', { timeout: 60_000 })
  await expect(again.getByTestId('report-summary')).toHaveText('Làm việc với Đảng ủy xã Lũng Cú về mô hình nuôi bò, trồng cỏ (sửa số hộ)')
  // The same number; the time is the correction's own commit.
  await expect(again.getByTestId('report-receipt')).toContainText(/Số biên nhận \d{2}-\d{6}/.exec(receipt)?.[0] ?? 'no receipt before')

  // Everything sent, the phone is handed on: the endpoint ends it and the phone forgets all it held.
  await again.goto('/settings')
  await again.getByRole('button', { name: 'Đăng xuất khỏi máy này' }).click()
  await again.getByRole('button', { name: 'Đăng xuất và xoá dữ liệu' }).click()
  await expectHeading(again, 'Đăng ký thiết bị')
  await expect.poll(() => storedAmounts(again).catch(() => null)).toEqual([])
  await again.goto('/reports')
  await expectHeading(again, 'Đăng ký thiết bị')
})
