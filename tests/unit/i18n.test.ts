import { describe, expect, it } from 'vitest'
import viText from '@/i18n/locales/vi.json?raw'
import enText from '@/i18n/locales/en.json?raw'
import { storedLocale, type MessageSchema } from '@/i18n'
import { isLocale } from '@/i18n/locales'

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

describe('message files', () => {
  const viLeaves = leaves(vi)
  const enLeaves = leaves(en)

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

  it('writes Vietnamese with its diacritics', () => {
    expect(vi.nav.communes).toBe('Xã phụ trách')
    expect(vi.settings.persist).toBe('Giữ dữ liệu trên máy')
    expect(vi.network.offline).toBe('Không có mạng')
  })
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
