import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n, storedLocale } from './i18n'
import { listenForInstallPrompt } from './composables/install'
import { useAppStore } from './stores/app'
import { useSettingsStore } from './stores/settings'
import { useFieldStore } from './stores/field'
import { useOutboxStore } from './stores/outbox'
import './styles.css'

listenForInstallPrompt()

const app = createApp(App).use(createPinia()).use(createAppRouter()).use(i18n)
void useAppStore().start()
void useFieldStore().start()
useOutboxStore().start()
void useSettingsStore()
  .setLocale(storedLocale(globalThis.localStorage))
  .finally(() => app.mount('#app'))
