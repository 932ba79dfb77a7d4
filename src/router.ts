import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useFieldStore } from '@/stores/field'

declare module 'vue-router' {
  interface RouteMeta {
    /** The screen shows the unit's data: a phone not yet enrolled is sent to enroll first. */
    needsEnrollment?: boolean
  }
}

const field = { needsEnrollment: true }

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
  { path: '/:path(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
]

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(), routes })
  router.beforeEach(async (to) => {
    if (!to.meta.needsEnrollment) return true
    const store = useFieldStore()
    await store.start()
    // When the phone's database cannot be read the screen says so; enrolling again would not help.
    return store.enrolled || store.readFailed ? true : { name: 'enroll' }
  })
  return router
}
