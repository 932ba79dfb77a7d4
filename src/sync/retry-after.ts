/** `Retry-After` in milliseconds: seconds or an HTTP date; 0 when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number {
  if (!value) return 0
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? 0 : Math.max(0, at - now.getTime())
}
