/**
 * Whether the browser believes it has a network. `navigator.onLine` only knows about the
 * link, not the endpoint: sync treats it as a hint for when to try, never as proof.
 */
export function watchOnline(onChange: (online: boolean) => void, target: Window = window): () => void {
  const update = (): void => onChange(target.navigator.onLine)
  target.addEventListener('online', update)
  target.addEventListener('offline', update)
  update()
  return () => {
    target.removeEventListener('online', update)
    target.removeEventListener('offline', update)
  }
}
