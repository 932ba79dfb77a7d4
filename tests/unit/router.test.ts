import { describe, expect, it } from 'vitest'
import type { RouteLocationNormalized } from 'vue-router'
import { scrollBehavior } from '@/router'

const at = (path: string, name: string) => ({ path, name }) as RouteLocationNormalized

describe('where a screen opens', () => {
  it('opens a new screen at its top, and goes back to where the reader was', () => {
    expect(scrollBehavior(at('/reports/new', 'report-new'), at('/communes/x', 'commune'), null)).toEqual({ top: 0 })
    expect(scrollBehavior(at('/communes/x', 'commune'), at('/reports/new', 'report-new'), { left: 0, top: 850 })).toEqual({ left: 0, top: 850 })
  })

  it('stays put when a filter changes, or when a new report takes its own address', () => {
    expect(scrollBehavior(at('/dashboard/reports', 'dashboard-reports'), at('/dashboard/reports', 'dashboard-reports'), null)).toBe(false)
    expect(scrollBehavior(at('/reports/1/edit', 'report-edit'), at('/reports/new', 'report-new'), null)).toBe(false)
  })

  it('shows the part of a screen a link names', () => {
    expect(scrollBehavior({ ...at('/settings', 'settings'), hash: '#rescue' }, at('/settings', 'settings'), null)).toEqual({ el: '#rescue', top: 16 })
  })
})
