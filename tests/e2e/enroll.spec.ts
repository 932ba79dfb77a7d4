import path from 'node:path'
import SQLite from 'better-sqlite3'
import { expect, test, type Page } from '@playwright/test'
import { startEndpoint, tempDir, type Endpoint } from './endpoint'
import { expectFitsPhone, expectHeading } from './helpers'

// The path of a cadre's phone: the link `npm start` prints, the unit's data, then no network.
const port = 4176
test.use({ baseURL: `http://localhost:${port}` })
let endpoint: Endpoint
const dataDir = tempDir('giao-uoc-enroll-')
let link: string
let adminPassword: string

test.beforeAll(async () => {
  endpoint = await startEndpoint('server.ts', port, { DATA_DIR: dataDir })
  const printed = endpoint.output()
  link = /(http:\/\/localhost:\d+\/enroll#code=[0-9A-Z-]+)/.exec(printed)?.[1] ?? ''
  adminPassword = /Username: admin {2}Password: (\S+)/.exec(printed)?.[1] ?? ''
  expect(link, printed).not.toBe('')
  expect(adminPassword, printed).not.toBe('')
})

test.afterAll(async () => {
  expect(await endpoint.stop()).toBe(0)
})

const year = new Date().getFullYear()

async function expectDemoCommunes(page: Page): Promise<void> {
  await expectHeading(page, 'Xã phụ trách')
  await expect(page.getByTestId('unit-name')).toHaveText(`Ban Tổ chức Tỉnh ủy · năm ${year}`)
  await expect(page.getByTestId('commune-list').getByRole('link')).toHaveText([/^Lũng CúHuyện Đồng Văn, tỉnh Hà Giang$/, /^Sủng LàHuyện Đồng Văn, tỉnh Hà Giang$/])
}

async function expectDemoCovenant(page: Page): Promise<void> {
  await expectHeading(page, `Giao ước thi đua năm ${year}`)
  await expect(page.getByTestId('covenant-status')).toHaveText(`Đã ký kết ngày 14/02/${year}`)
  await expect(page.getByText('Thang điểm: 100 điểm')).toBeVisible()
  await expect(page.getByTestId('commitment-group')).toHaveCount(7)
  await expect(page.getByText('Chỉ tiêu: 12 buổi')).toBeVisible()
  await expect(page.getByText('Chỉ tiêu: 90%')).toBeVisible()
}

test('the printed link enrolls the phone; its data stays readable offline; the link works once; revocation is shown', async ({ page, context, browser }) => {
  test.setTimeout(120_000)
  await page.goto(link)
  await expectDemoCommunes(page)
  await expect(page).toHaveURL(`${endpoint.url}/`)
  await expectFitsPhone(page)
  await expect(page.getByTestId('last-pull')).toHaveText(/^Lần đồng bộ cuối: \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}$/)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })

  const nav = page.getByRole('navigation', { name: 'Điều hướng chính' })
  await nav.getByRole('link', { name: 'Giao ước' }).click()
  await expectDemoCovenant(page)
  await expectFitsPhone(page)
  await nav.getByRole('link', { name: 'Xã phụ trách' }).click()
  await page.getByRole('link', { name: /Lũng Cú/ }).click()
  await expectHeading(page, 'Lũng Cú')
  await expect(page.getByText('Chỉ tiêu tại xã')).toBeVisible()
  await expect(page.getByText('Chỉ tiêu: 20 hộ')).toBeVisible()
  await expectFitsPhone(page)
  await page.goto('/settings')
  await expect(page.getByTestId('device')).toContainText('Giàng Seo Chứ · Ban Tổ chức Tỉnh ủy')

  await context.setOffline(true)
  await page.goto('/')
  await expectDemoCommunes(page)
  await page.reload()
  await expectDemoCommunes(page)
  await page.goto('/covenant')
  await expectDemoCovenant(page)
  await context.setOffline(false)

  // The same link on another phone: the code has been used.
  const other = await browser.newContext()
  const otherPage = await other.newPage()
  await otherPage.goto(link)
  await expectHeading(otherPage, 'Đăng ký thiết bị')
  await expect(otherPage.getByTestId('enroll-error')).toHaveText('Mã đăng ký này đã được dùng. Mỗi mã chỉ dùng được một lần; hãy xin mã mới.')
  await other.close()

  // The admin revokes this phone: it says so at the next sync, and keeps everything it holds.
  const login = await page.request.post('/api/auth/login', { data: { username: 'admin', password: adminPassword } })
  expect(login.status()).toBe(200)
  const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` }
  const deviceId = await page.evaluate(readDeviceId)
  expect((await page.request.post(`/api/devices/${deviceId}/revoke`, { headers })).status()).toBe(200)

  await page.goto('/')
  await expect(page.getByTestId('sync-revoked')).toContainText('Thiết bị này đã bị thu hồi')
  await expectDemoCommunes(page)
  await page.reload()
  await expect(page.getByTestId('sync-revoked')).toBeVisible()
  await expectDemoCommunes(page)
})

/** A member's id, read from the endpoint's SQLite file as an admin's dashboard would list it. */
function memberId(name: string): string {
  const database = new SQLite(path.join(dataDir, 'giao-uoc.sqlite'), { readonly: true })
  try {
    return (database.prepare('select id from member where name = ?').get(name) as { id: string }).id
  } finally {
    database.close()
  }
}

/** This phone's device id, from its own IndexedDB. */
function readDeviceId(): Promise<string> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open('giao-uoc')
    open.onerror = () => reject(new Error(String(open.error)))
    open.onsuccess = () => {
      const read = open.result.transaction('enrollment').objectStore('enrollment').get('current')
      read.onsuccess = () => resolve((read.result as { deviceId: string }).deviceId)
      read.onerror = () => reject(new Error(String(read.error)))
    }
  })
}

test('a second tab open on the same phone follows an enrollment made in the first', async ({ context, request }) => {
  const login = await request.post('/api/auth/login', { data: { username: 'admin', password: adminPassword } })
  const headers = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` }
  const member = await request.post('/api/enrollment-codes', { headers, data: { memberId: memberId('Giàng Seo Chứ') } })
  expect(member.status()).toBe(201)

  const watching = await context.newPage()
  await watching.goto('/settings')
  await expect(watching.getByTestId('device')).toContainText('Máy này chưa được đăng ký với đơn vị.')
  const enrolling = await context.newPage()
  await enrolling.goto(((await member.json()) as { link: string }).link)
  await expectDemoCommunes(enrolling)
  await expect(watching.getByTestId('device')).toContainText('Giàng Seo Chứ · Ban Tổ chức Tỉnh ủy')
})

test('a mistyped code is explained, and nothing is enrolled', async ({ page }) => {
  await page.goto('/enroll')
  const code = page.getByLabel('Mã đăng ký')
  await code.fill('ABCDE')
  await page.getByRole('button', { name: 'Đăng ký' }).click()
  await expect(page.getByRole('alert')).toHaveText('Mã gồm 10 ký tự chữ và số, ví dụ ABCDE-FGHJK.')
  await code.fill('zzzzz zzzzz')
  await page.getByRole('button', { name: 'Đăng ký' }).click()
  await expect(page.getByTestId('enroll-error')).toHaveText('Mã đăng ký không đúng. Hãy kiểm tra lại từng ký tự.')
  await expect(code).toHaveValue('ZZZZZ-ZZZZZ')
  await page.goto('/')
  await expectHeading(page, 'Đăng ký thiết bị')
})
