import { createApp, nextTick } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { createAppRouter } from './router'
import { i18n, storedLocale } from './i18n'
import { listenForInstallPrompt } from './composables/install'
import { useAppStore } from './stores/app'
import { useSettingsStore } from './stores/settings'
import { useFieldStore } from './stores/field'
import { useOutboxStore } from './stores/outbox'
import { MARKS } from './composables/marks'
import { takeOverFirstScreen } from './composables/first-screen'
import './styles.css'

listenForInstallPrompt()

const router = createAppRouter()
const app = createApp(App).use(createPinia()).use(router).use(i18n)
void useAppStore().start()
const fieldReady = useFieldStore().start()
useOutboxStore().start()
void useSettingsStore()
  .setLocale(storedLocale(globalThis.localStorage))
  .finally(() => {
    app.mount('#app')
    takeOverFirstScreen(document.querySelector('#app'), router)
  })
  // For `npm run bench` (cold-start-offline): the first screen shows the phone's data from here.
  .then(() => Promise.all([fieldReady, router.isReady()]))
  .then(() => nextTick())
  .then(() => performance.mark(MARKS.ready))
