import { storeToRefs } from 'pinia'
import { formatBytes, formatCoordinate, formatDay, formatMoment, formatNumber } from '@/i18n/format'
import { useSettingsStore } from '@/stores/settings'

/** Dates and numbers in the language the interface is in (`dd/MM/yyyy`, `1.234,5` in Vietnamese). */
export function useFormat() {
  const { locale } = storeToRefs(useSettingsStore())
  return {
    day: (value: string) => formatDay(value, locale.value),
    moment: (value: string) => formatMoment(value, locale.value),
    number: (value: number) => formatNumber(value, locale.value),
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
