/** Performance marks the app sets for `npm run bench`: names the benchmarks wait for. */
export const MARKS = {
  /** The first screen is on screen with the phone's data (or the enrollment screen). */
  ready: 'giao-uoc:ready',
  /** A report list has shown its first page. */
  reportsListed: 'giao-uoc:reports-listed',
} as const
