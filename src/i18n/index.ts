import { createI18n } from 'vue-i18n'
import vi from './locales/vi.json'
import { defaultLocale, isLocale, type Locale } from './locales'

export type MessageSchema = typeof vi

const storageKey = 'giao-uoc.locale'

// Vietnamese ships with the app; other languages load when chosen (the build precompiles both).
const loaders: Record<Exclude<Locale, 'vi'>, () => Promise<{ default: MessageSchema }>> = {
  en: () => import('./locales/en.json'),
}

/** The language saved on this device, or Vietnamese. */
export function storedLocale(storage: Pick<Storage, 'getItem'> | undefined): Locale {
  const saved = storage?.getItem(storageKey)
  return isLocale(saved) ? saved : defaultLocale
}

export const i18n = createI18n<[MessageSchema], Locale, false>({
  legacy: false,
  locale: defaultLocale,
  fallbackLocale: defaultLocale,
  messages: { vi } as Record<Locale, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
})

/** Messages of a part of the app loaded later (the dashboard), by language. */
export type MessageLoader = (locale: Locale) => Promise<Record<string, unknown>>
const parts: { load: MessageLoader; merged: Set<Locale> }[] = []

async function loadMessages(locale: Locale): Promise<void> {
  if (locale !== 'vi' && !i18n.global.availableLocales.includes(locale)) {
    const { default: messages } = await loaders[locale]()
    i18n.global.setLocaleMessage(locale, messages)
  }
  for (const part of parts) {
    if (part.merged.has(locale)) continue
    i18n.global.mergeLocaleMessage(locale, (await part.load(locale)) as MessageSchema)
    part.merged.add(locale)
  }
}

/** Add a lazily loaded part's messages: merged now for the current language, and for each language chosen later. */
export async function addMessages(load: MessageLoader): Promise<void> {
  parts.push({ load, merged: new Set() })
  await loadMessages(i18n.global.locale.value)
}

/** A part's messages, one file per language: the answer loads and adds them the first time it is called, and only then. */
export function lazyMessages(files: Record<Locale, () => Promise<{ default: Record<string, unknown> }>>): () => Promise<void> {
  let added: Promise<void> | null = null
  return () => (added ??= addMessages(async (locale) => (await files[locale]()).default))
}

/** Switch the interface language, remember it, and tell the page (for screen readers and hyphenation). */
export async function applyLocale(locale: Locale): Promise<void> {
  await loadMessages(locale)
  i18n.global.locale.value = locale
  globalThis.localStorage?.setItem(storageKey, locale)
  document.documentElement.lang = locale
}
