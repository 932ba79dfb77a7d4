import { addMessages } from '@/i18n'
import type { Locale } from '@/i18n/locales'

const loaders: Record<Locale, () => Promise<{ default: Record<string, unknown> }>> = {
  vi: () => import('@/i18n/locales/later/vi.json'),
  en: () => import('@/i18n/locales/later/en.json'),
}

let loaded: Promise<void> | null = null

/**
 * Messages of field screens a cadre opens now and then ("Cần làm", signing out, exemplary cases), merged in the
 * first time one opens: the first screen does not wait for them.
 */
export function loadLaterMessages(): Promise<void> {
  loaded ??= addMessages(async (locale) => (await loaders[locale]()).default)
  return loaded
}
