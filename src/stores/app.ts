import { ref } from 'vue'
import { defineStore } from 'pinia'
import { watchOnline } from '@/sync/online'

export type DatabaseState = 'opening' | 'ready' | 'error'

/** The app's session: is the phone's database usable, is there a network. */
export const useAppStore = defineStore('app', () => {
  const databaseState = ref<DatabaseState>('opening')
  const databaseError = ref<string | null>(null)
  const firstOpenedAt = ref<string | null>(null)
  const online = ref(true)
  let stopWatching: (() => void) | null = null

  // The database code (Dexie) loads beside the first screen rather than before it.
  const openDatabase = async (): Promise<string> => (await import('@/db/meta')).openDatabase()

  async function start(open: () => Promise<string> = openDatabase): Promise<void> {
    stopWatching ??= watchOnline((value) => {
      online.value = value
    })
    try {
      firstOpenedAt.value = await open()
      databaseState.value = 'ready'
      databaseError.value = null
    } catch (error) {
      databaseState.value = 'error'
      databaseError.value = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
    }
  }

  return { databaseState, databaseError, firstOpenedAt, online, start }
})
