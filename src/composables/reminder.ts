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

/** Where reminders are on: a while after the app opens, the plan is read and, if something is due, the day's reminder shown. */
export function scheduleReminder(check: () => Promise<void>, delayMs = 10_000): () => void {
  if (reminderState() !== 'granted') return () => undefined
  const timer = setTimeout(() => void check(), delayMs)
  return () => clearTimeout(timer)
}
