import { createRouter, createWebHistory, type RouteRecordRaw, type RouteRecordSingleView, type RouterScrollBehavior } from 'vue-router'
import { useFieldStore } from '@/stores/field'

declare module 'vue-router' {
  interface RouteMeta {
    /** The screen shows the unit's data: a phone not yet enrolled is sent to enroll first. */
    needsEnrollment?: boolean
    /** A screen of the bloc's dashboard: its own frame, its own messages, and a session to log in to. */
    dashboard?: boolean
    /** A dashboard screen open without a session (logging in). */
    public?: boolean
    /** A field screen whose messages load with it (`loadLaterMessages`). */
    laterMessages?: boolean
  }
}

const field = { needsEnrollment: true }
const fieldLater = { needsEnrollment: true, laterMessages: true }
const dashboard = (path: string, name: string, component: RouteRecordSingleView['component'], props = false): RouteRecordSingleView => ({ path, name, component, props })

// Every screen is its own chunk: the shell paints first, and the dashboard never enters the field path.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'communes', component: () => import('@/views/CommunesView.vue'), meta: field },
  { path: '/communes/:id', name: 'commune', component: () => import('@/views/CommuneView.vue'), props: true, meta: field },
  { path: '/covenant', name: 'covenant', component: () => import('@/views/CovenantView.vue'), meta: field },
  { path: '/todo', name: 'todo', component: () => import('@/views/TodoView.vue'), meta: fieldLater },
  { path: '/reports', name: 'reports', component: () => import('@/views/ReportsView.vue'), meta: field },
  { path: '/reports/new', name: 'report-new', component: () => import('@/views/ReportEditView.vue'), meta: field },
  { path: '/reports/:id/edit', name: 'report-edit', component: () => import('@/views/ReportEditView.vue'), props: true, meta: field },
  { path: '/reports/:id', name: 'report', component: () => import('@/views/ReportView.vue'), props: true, meta: field },
  { path: '/exemplars', name: 'exemplars', component: () => import('@/views/ExemplarsView.vue'), meta: fieldLater },
  { path: '/exemplars/new', name: 'exemplar-new', component: () => import('@/views/ExemplarEditView.vue'), meta: fieldLater },
  { path: '/exemplars/:id/edit', name: 'exemplar-edit', component: () => import('@/views/ExemplarEditView.vue'), props: true, meta: fieldLater },
  { path: '/enroll', name: 'enroll', component: () => import('@/views/EnrollView.vue'), meta: { laterMessages: true } },
  { path: '/help', name: 'help', component: () => import('@/views/HelpView.vue'), meta: { laterMessages: true } },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue'), meta: { laterMessages: true } },
  // The dashboard: every screen a chunk of its own, none of them on the field path.
  { path: '/dashboard/login', name: 'dashboard-login', component: () => import('@/dashboard/views/DashboardLoginView.vue'), meta: { dashboard: true, public: true } },
  // The province's emulation office: its own screen, above the blocs.
  { path: '/dashboard/province', name: 'dashboard-province', component: () => import('@/dashboard/views/DashboardProvinceView.vue'), meta: { dashboard: true } },
  {
    path: '/dashboard',
    component: () => import('@/dashboard/views/DashboardLayout.vue'),
    meta: { dashboard: true },
    children: [
      dashboard('', 'dashboard', () => import('@/dashboard/views/DashboardProgressView.vue')),
      dashboard('units/:unitId', 'dashboard-unit', () => import('@/dashboard/views/DashboardUnitView.vue'), true),
      dashboard('communes/:communeId', 'dashboard-commune', () => import('@/dashboard/views/DashboardCommuneView.vue'), true),
      dashboard('reports', 'dashboard-reports', () => import('@/dashboard/views/DashboardReportsView.vue')),
      dashboard('reports/:reportId', 'dashboard-report', () => import('@/dashboard/views/DashboardReportView.vue'), true),
      dashboard('gallery', 'dashboard-gallery', () => import('@/dashboard/views/DashboardGalleryView.vue')),
      dashboard('evaluation', 'dashboard-evaluation', () => import('@/dashboard/views/DashboardEvaluationView.vue')),
      dashboard('evaluation/records', 'dashboard-evaluation-records', () => import('@/dashboard/views/DashboardRecordsView.vue')),
      dashboard('members', 'dashboard-members', () => import('@/dashboard/views/DashboardMembersView.vue')),
      dashboard('setup', 'dashboard-setup', () => import('@/dashboard/views/DashboardSetupView.vue')),
      dashboard('covenants/:covenantId', 'dashboard-covenant', () => import('@/dashboard/views/DashboardCovenantView.vue'), true),
      dashboard('audit', 'dashboard-audit', () => import('@/dashboard/views/DashboardAuditView.vue')),
    ],
  },
  { path: '/:path(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
]

/**
 * Every new screen opens at its top; back and forward return where the reader was. A change of
 * query (a filter) or a new report taking its own address once stored is the same screen: it
 * stays where it is.
 */
export const scrollBehavior: RouterScrollBehavior = (to, from, saved) => {
  if (saved) return saved
  // A link to a part of a screen ("Lưu việc chưa gửi ra tệp") shows that part.
  if (to.hash) return { el: to.hash, top: 16 }
  if (to.path === from.path || (from.name === 'report-new' && to.name === 'report-edit')) return false
  return { top: 0 }
}

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes, scrollBehavior })
  router.beforeEach(async (to) => {
    // The dashboard's messages and session code load with its first screen, never on the field path.
    if (to.meta.dashboard) return (await import('@/dashboard/entry')).enterDashboard(to)
    if (to.meta.laterMessages) await (await import('@/i18n/later')).loadLaterMessages()
    if (!to.meta.needsEnrollment) return true
    const store = useFieldStore()
    await store.start()
    // When the phone's database cannot be read the screen says so; enrolling again would not help.
    return store.enrolled || store.readFailed ? true : { name: 'enroll' }
  })
  return router
}
