/**
 * `task` under the Web Lock `name`, held across this origin's tabs and its service worker.
 * With `ifAvailable`, another holder means `'busy'` at once instead of a wait. Where the browser
 * has no Web Locks, `task` runs as it is.
 */
export function withLock<T>(name: string, task: () => Promise<T>): Promise<T>
export function withLock<T>(name: string, task: () => Promise<T>, options: { ifAvailable: true }): Promise<T | 'busy'>
export function withLock<T>(name: string, task: () => Promise<T>, options: { ifAvailable?: boolean } = {}): Promise<T | 'busy'> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
  if (!locks) return task()
  return locks.request(name, { ifAvailable: options.ifAvailable ?? false }, (lock) => (lock ? task() : 'busy'))
}
