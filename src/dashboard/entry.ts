import type { RouteLocationNormalized, RouteLocationRaw } from 'vue-router'
import { loadDashboardMessages } from './messages'
import { useDashboardStore } from './store'

/**
 * Opening a dashboard address: its messages first; then a screen that needs a session sends the
 * person to log in without one, the province's office to its own screen, and a bloc's manager
 * away from the province's. Loaded with the dashboard's first screen, never on the field path.
 */
export async function enterDashboard(to: RouteLocationNormalized): Promise<true | RouteLocationRaw> {
  await loadDashboardMessages()
  if (to.meta.public) return true
  const dashboard = useDashboardStore()
  if (!dashboard.session) return { name: 'dashboard-login', query: { next: to.fullPath } }
  if (dashboard.isProvince !== (to.name === 'dashboard-province')) return { name: dashboard.isProvince ? 'dashboard-province' : 'dashboard' }
  return true
}
