import { createRouter, createWebHistory, type RouteRecordRaw, type RouteRecordSingleView } from 'vue-router'
import { useFieldStore } from '@/stores/field'

declare module 'vue-router' {
  interface RouteMeta {
    /** The screen shows the unit's data: a phone not yet enrolled is sent to enroll first. */
    needsEnrollment?: boolean
    /** A screen of the bloc's dashboard: its own frame, its own messages, and a session to log in to. */
    dashboard?: boolean
    /** A dashboard screen open without a session (logging in). */
    public?: boolean
  }
}

const field = { needsEnrollment: true }
const dashboard = (path: string, name: string, component: RouteRecordSingleView['component'], props = false): RouteRecordSingleView => ({ path, name, component, props })

// Every screen is its own chunk: the shell paints first, and the dashboard never enters the field path.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'communes', component: () => import('@/views/CommunesView.vue'), meta: field },
  { path: '/communes/:id', name: 'commune', component: () => import('@/views/CommuneView.vue'), props: true, meta: field },
  { path: '/covenant', name: 'covenant', component: () => import('@/views/CovenantView.vue'), meta: field },
  { path: '/reports', name: 'reports', component: () => import('@/views/ReportsView.vue'), meta: field },
  { path: '/reports/new', name: 'report-new', component: () => import('@/views/ReportEditView.vue'), meta: field },
  { path: '/reports/:id/edit', name: 'report-edit', component: () => import('@/views/ReportEditView.vue'), props: true, meta: field },
  { path: '/reports/:id', name: 'report', component: () => import('@/views/ReportView.vue'), props: true, meta: field },
  { path: '/enroll', name: 'enroll', component: () => import('@/views/EnrollView.vue') },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue') },
  // The dashboard: every screen a chunk of its own, none of them on the field path.
  { path: '/dashboard/login', name: 'dashboard-login', component: () => import('@/views/dashboard/DashboardLoginView.vue'), meta: { dashboard: true, public: true } },
  {
    path: '/dashboard',
    component: () => import('@/views/dashboard/DashboardLayout.vue'),
    meta: { dashboard: true },
    children: [
      dashboard('', 'dashboard', () => import('@/views/dashboard/DashboardProgressView.vue')),
      dashboard('units/:unitId', 'dashboard-unit', () => import('@/views/dashboard/DashboardUnitView.vue'), true),
      dashboard('communes/:communeId', 'dashboard-commune', () => import('@/views/dashboard/DashboardCommuneView.vue'), true),
      dashboard('reports', 'dashboard-reports', () => import('@/views/dashboard/DashboardReportsView.vue')),
      dashboard('reports/:reportId', 'dashboard-report', () => import('@/views/dashboard/DashboardReportView.vue'), true),
      dashboard('gallery', 'dashboard-gallery', () => import('@/views/dashboard/DashboardGalleryView.vue')),
      dashboard('members', 'dashboard-members', () => import('@/views/dashboard/DashboardMembersView.vue')),
      dashboard('setup', 'dashboard-setup', () => import('@/views/dashboard/DashboardSetupView.vue')),
      dashboard('covenants/:covenantId', 'dashboard-covenant', () => import('@/views/dashboard/DashboardCovenantView.vue'), true),
      dashboard('audit', 'dashboard-audit', () => import('@/views/dashboard/DashboardAuditView.vue')),
    ],
  },
  { path: '/:path(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes })
  router.beforeEach(async (to) => {
    if (to.meta.dashboard) {
      // The dashboard's messages and session code load with its first screen, never on the field path.
      const [{ loadDashboardMessages }, { useDashboardStore }] = await Promise.all([import('@/i18n/dashboard'), import('@/stores/dashboard')])
      await loadDashboardMessages()
      return to.meta.public || useDashboardStore().session ? true : { name: 'dashboard-login', query: { next: to.fullPath } }
    }
    if (!to.meta.needsEnrollment) return true
    const store = useFieldStore()
    await store.start()
    // When the phone's database cannot be read the screen says so; enrolling again would not help.
    return store.enrolled || store.readFailed ? true : { name: 'enroll' }
  })
  return router
}
