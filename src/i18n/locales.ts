/** Languages of the interface: Vietnamese first, English second. */
export const locales = ['vi', 'en'] as const
export type Locale = (typeof locales)[number]
export const defaultLocale: Locale = 'vi'

/** The `Intl` tag each interface language formats numbers and dates with. */
export const intlTags: Record<Locale, string> = { vi: 'vi-VN', en: 'en-GB' }

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value)
}
