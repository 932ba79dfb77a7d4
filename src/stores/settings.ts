import { ref } from 'vue'
import { defineStore } from 'pinia'
import { applyLocale, i18n } from '@/i18n'
import type { Locale } from '@/i18n/locales'

/** Preferences of the person using this device. */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>(i18n.global.locale.value)

  async function setLocale(next: Locale): Promise<void> {
    await applyLocale(next)
    locale.value = next
  }

  return { locale, setLocale }
})
