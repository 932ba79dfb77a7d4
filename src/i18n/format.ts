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

/** `1234.5` → `"1.234,5"` in Vietnamese. */
export function formatNumber(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlTags[locale], { maximumFractionDigits: 2 }).format(value)
}

/** A latitude or longitude to five decimals (about a metre), `23.363894` → `"23,36389"` in Vietnamese. */
export function formatCoordinate(value: number, locale: Locale): string {
  return new Intl.NumberFormat(intlTags[locale], { minimumFractionDigits: 5, maximumFractionDigits: 5, useGrouping: false }).format(value)
}

/** A day, `2026-02-14` → `"14/02/2026"`, whatever the phone's time zone. */
export function formatDay(day: string, locale: Locale): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`)
  return new Intl.DateTimeFormat(intlTags[locale], { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(date)
}

/** A moment in the phone's time zone, `"09:30 14/02/2026"` in Vietnamese. */
export function formatMoment(iso: string, locale: Locale, timeZone?: string): string {
  const date = new Date(iso)
  const time = new Intl.DateTimeFormat(intlTags[locale], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(date)
  const day = new Intl.DateTimeFormat(intlTags[locale], { day: '2-digit', month: '2-digit', year: 'numeric', timeZone }).format(date)
  return `${time} ${day}`
}
