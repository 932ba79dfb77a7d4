import { intlTags, type Locale } from './locales'

const byteUnits = ['B', 'KB', 'MB', 'GB', 'TB'] as const

/** `12345678` → `"11,8 MB"` in Vietnamese, `"11.8 MB"` in English. */
export function formatBytes(bytes: number, locale: Locale): string {
  let value = Math.max(0, bytes)
  let unit = 0
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024
    unit += 1
  }
  const digits = unit === 0 ? 0 : 1
  const number = new Intl.NumberFormat(intlTags[locale], { maximumFractionDigits: digits }).format(value)
  return `${number} ${byteUnits[unit]}`
}

/** `0.125` → `"12,5%"` in Vietnamese. */
export function formatPercent(ratio: number, locale: Locale): string {
  return new Intl.NumberFormat(intlTags[locale], { style: 'percent', maximumFractionDigits: 1 }).format(ratio)
}
