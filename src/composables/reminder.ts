/**
 * A daily reminder of the visit plan, where the installed app may show notifications: asked
 * for once, by the cadre's tap, never blocking anything; best effort.
 */
const ASKED = 'giao-uoc.reminder-asked'
const LAST = 'giao-uoc.reminded-on'

export type ReminderState = 'unsupported' | 'ask' | 'granted' | 'denied'

const supported = () => typeof Notification !== 'undefined' && typeof navigator !== 'undefined' && 'serviceWorker' in navigator

export function reminderState(): ReminderState {
  if (!supported()) return 'unsupported'
  if (Notification.permission === 'granted') return 'granted'
  if (Notification.permission === 'denied' || localStorage.getItem(ASKED)) return 'denied'
  return 'ask'
}

/** Ask once: whatever the answer, the app does not ask again. */
export async function askForReminders(): Promise<ReminderState> {
  if (!supported()) return 'unsupported'
  localStorage.setItem(ASKED, new Date().toISOString())
  try {
    await Notification.requestPermission()
  } catch {
    // A browser that refuses to ask is a "no".
  }
  return reminderState()
}

/** Show the reminder once a day at most, when something is due; `text` is what it says. */
export async function remindIfDue(due: number, text: { title: string; body: string }, today: string): Promise<boolean> {
  if (due === 0 || reminderState() !== 'granted' || localStorage.getItem(LAST) === today) return false
  try {
    const registration = await navigator.serviceWorker.ready
    await registration.showNotification(text.title, { body: text.body, tag: 'giao-uoc-plan', data: { url: '/todo' } })
    localStorage.setItem(LAST, today)
    return true
  } catch {
    return false
  }
}

/** Read the visit plan and, if something is due, show the day's reminder. */
export async function remindNow(t: (key: string, values?: Record<string, unknown>) => string): Promise<void> {
  const [{ useFieldStore }, { useProgressStore }, { dueCount }, { loadLaterMessages }] = await Promise.all([
    import('@/stores/field'),
    import('@/stores/progress'),
    import('@/domain'),
    import('@/i18n/later'),
  ])
  await loadLaterMessages()
  const field = useFieldStore()
  await field.start()
  if (!field.enrolled) return
  const progress = useProgressStore()
  await progress.start()
  const due = dueCount(progress.plan)
  await remindIfDue(due, { title: t('todo.notificationTitle'), body: t('todo.notificationBody', { n: due }) }, new Date().toISOString().slice(0, 10))
}
