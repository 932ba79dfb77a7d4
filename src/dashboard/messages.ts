import { lazyMessages } from '@/i18n'

/** The dashboard's messages (`dashboard.*`), merged in the first time a dashboard screen opens. */
export const loadDashboardMessages = lazyMessages({
  vi: () => import('@/i18n/locales/dashboard/vi.json'),
  en: () => import('@/i18n/locales/dashboard/en.json'),
})
