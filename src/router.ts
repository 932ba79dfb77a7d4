import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

// Every screen is its own chunk: the shell paints first, and the dashboard never enters the field path.
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'communes', component: () => import('@/views/CommunesView.vue') },
  { path: '/covenant', name: 'covenant', component: () => import('@/views/CovenantView.vue') },
  { path: '/reports', name: 'reports', component: () => import('@/views/ReportsView.vue') },
  { path: '/reports/new', name: 'report-new', component: () => import('@/views/ReportNewView.vue') },
  { path: '/settings', name: 'settings', component: () => import('@/views/SettingsView.vue') },
  { path: '/:path(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue') },
]

export function createAppRouter() {
  return createRouter({ history: createWebHistory(), routes })
}
