import { addMessages } from '@/i18n'
import type { Locale } from '@/i18n/locales'

const loaders: Record<Locale, () => Promise<{ default: Record<string, unknown> }>> = {
  vi: () => import('@/i18n/locales/dashboard/vi.json'),
  en: () => import('@/i18n/locales/dashboard/en.json'),
}

let loaded: Promise<void> | null = null

/** The dashboard's messages (`dashboard.*`), merged in the first time a dashboard screen opens. */
export function loadDashboardMessages(): Promise<void> {
  loaded ??= addMessages(async (locale) => (await loaders[locale]()).default)
  return loaded
}
