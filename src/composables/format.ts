import { storeToRefs } from 'pinia'
import { formatBytes, formatCoordinate, formatDay, formatMoment, formatNumber, formatPercent } from '@/i18n/format'
import type { Locale } from '@/i18n/locales'
import { useSettingsStore } from '@/stores/settings'

// Each formatDay builds an Intl.DateTimeFormat (about 0.3 ms): a list of 50 reports would spend
// 15 ms on them. Days repeat, and there are few of them: remember each day's text.
const days = new Map<string, string>()

function day(value: string, locale: Locale): string {
  const key = `${locale} ${value.slice(0, 10)}`
  const known = days.get(key)
  if (known !== undefined) return known
  const text = formatDay(value, locale)
  days.set(key, text)
  return text
}

/** Dates and numbers in the language the interface is in (`dd/MM/yyyy`, `1.234,5` in Vietnamese). */
export function useFormat() {
  const { locale } = storeToRefs(useSettingsStore())
  return {
    day: (value: string) => day(value, locale.value),
    moment: (value: string) => formatMoment(value, locale.value),
    number: (value: number) => formatNumber(value, locale.value),
    percent: (ratio: number) => formatPercent(ratio, locale.value),
    coordinate: (value: number) => formatCoordinate(value, locale.value),
    bytes: (value: number) => formatBytes(value, locale.value),
  }
}

/** A name for this phone the cadre can accept as it is: its platform, from the browser. */
export function platformName(userAgent: string): string {
  if (/iPhone/i.test(userAgent)) return 'iPhone'
  if (/iPad/i.test(userAgent)) return 'iPad'
  if (/Android/i.test(userAgent)) return 'Android'
  if (/Windows/i.test(userAgent)) return 'Windows'
  if (/Mac OS X/i.test(userAgent)) return 'Mac'
  if (/Linux/i.test(userAgent)) return 'Linux'
  return ''
}
