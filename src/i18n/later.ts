import { lazyMessages } from '@/i18n'

/**
 * Messages of field screens a cadre opens now and then ("Cần làm", signing out, exemplary
 * cases), merged in the first time one opens: the first screen does not wait for them.
 */
export const loadLaterMessages = lazyMessages({
  vi: () => import('@/i18n/locales/later/vi.json'),
  en: () => import('@/i18n/locales/later/en.json'),
})
