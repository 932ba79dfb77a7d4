import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

/** Requests the app shell must never answer: the endpoint's API and its uploads. */
export const networkOnly = [/^\/api(\/|$)/]

/**
 * Precache the built app and answer every page navigation with `index.html`, so a deep link
 * opens offline; the router then shows the right screen.
 */
export function serveAppShell(files: (PrecacheEntry | string)[]): void {
  precacheAndRoute(files)
  cleanupOutdatedCaches()
  registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: networkOnly }))
}
