import { describe, expect, it } from 'vitest'
import viText from '@/i18n/locales/vi.json?raw'
import enText from '@/i18n/locales/en.json?raw'
import dashboardViText from '@/i18n/locales/dashboard/vi.json?raw'
import dashboardEnText from '@/i18n/locales/dashboard/en.json?raw'
import laterViText from '@/i18n/locales/later/vi.json?raw'
import laterEnText from '@/i18n/locales/later/en.json?raw'
import { storedLocale, type MessageSchema } from '@/i18n'
import { isLocale } from '@/i18n/locales'
import { AUDIT_ACTIONS } from '@/protocol'
import { PACES } from '@/domain'

// Read the files as written: the build turns their messages into functions.
const vi = JSON.parse(viText) as MessageSchema
const en = JSON.parse(enText) as object

/** Every leaf of a message tree as `a.b.c` → text. */
function leaves(tree: object, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (value && typeof value === 'object') leaves(value as object, path).forEach((v, k) => out.set(k, v))
    else out.set(path, value)
  }
  return out
}

/** Placeholders such as `{used}` a message expects. */
const placeholders = (text: unknown) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

// The field's messages, those of its screens opened now and then, and the dashboard's, which load with their first screen.
describe.each([
  ['the field', vi, en],
  ['the field’s later screens', JSON.parse(laterViText) as object, JSON.parse(laterEnText) as object],
  ['the dashboard', JSON.parse(dashboardViText) as object, JSON.parse(dashboardEnText) as object],
])('message files of %s', (_, viMessages, enMessages) => {
  const viLeaves = leaves(viMessages)
  const enLeaves = leaves(enMessages)

  it('have the same keys in Vietnamese and English', () => {
    expect([...enLeaves.keys()].sort()).toEqual([...viLeaves.keys()].sort())
  })

  it.each([...viLeaves.keys()])('%s is a non-empty text with the same placeholders in both', (key) => {
    const viText = viLeaves.get(key)
    const enText = enLeaves.get(key)
    expect(typeof viText === 'string' && viText.trim().length > 0).toBe(true)
    expect(typeof enText === 'string' && enText.trim().length > 0).toBe(true)
    expect(placeholders(enText)).toEqual(placeholders(viText))
  })
})

it('writes Vietnamese with its diacritics', () => {
  expect(vi.nav.communes).toBe('Xã phụ trách')
  expect(vi.settings.install).toBe('Cài ứng dụng')
  expect(laterViText).toContain('"persist": "Giữ dữ liệu trên máy"')
  expect(vi.network.offline).toBe('Không có mạng')
  expect(dashboardViText).toContain('"title": "Nhật ký thao tác"')
})

it('has words in both languages for every action the audit log records and every pace', () => {
  for (const text of [dashboardViText, dashboardEnText]) {
    const { dashboard } = JSON.parse(text) as { dashboard: { audit: { actions: Record<string, unknown> }; pace: Record<string, string> } }
    for (const action of AUDIT_ACTIONS) expect(leaves(dashboard.audit.actions).has(action), action).toBe(true)
    for (const pace of PACES) expect(dashboard.pace[pace], pace).toBeTruthy()
  }
})

describe('storedLocale', () => {
  const storage = (value: string | null) => ({ getItem: () => value })

  it.each([
    [null, 'vi'],
    ['en', 'en'],
    ['vi', 'vi'],
    ['fr', 'vi'],
    ['', 'vi'],
  ])('saved %j opens in %s', (saved, expected) => {
    expect(storedLocale(storage(saved))).toBe(expected)
  })

  it('opens in Vietnamese without storage', () => {
    expect(storedLocale(undefined)).toBe('vi')
    expect(isLocale('vi')).toBe(true)
  })
})
