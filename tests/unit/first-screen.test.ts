// @vitest-environment-options { "settings": { "handleDisabledFileLoadingAsSuccess": true } }
import fs from 'node:fs'
import vm from 'node:vm'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Router } from 'vue-router'
import { captureFirstScreen, FIRST_SCREEN_KEY, takeOverFirstScreen, type SavedFirstScreen } from '@/composables/first-screen'

const painter = fs.readFileSync('public/first-screen.js', 'utf8')
/** Run the painter as the page runs it, on this test's document. */
const paint = () => void vm.runInThisContext(painter)

function page(entry: string): HTMLElement {
  document.head.innerHTML = `<script type="module" src="${entry}"></script><link rel="stylesheet" href="/assets/index.css">`
  document.body.innerHTML = '<div id="app"></div>'
  return document.getElementById('app') as HTMLElement
}

const screen = `<header><span data-first-screen="skip">Mất mạng</span><span>3 báo cáo chờ gửi</span></header>
<main><h1>Xã được giúp đỡ</h1><ul><li><a href="/communes/c1">Xã Lũng Cú</a></li></ul><p data-first-screen="skip">2 phút trước</p></main>`

beforeEach(() => {
  localStorage.clear()
  performance.clearMarks()
})

afterEach(() => {
  document.head.innerHTML = ''
  document.body.innerHTML = ''
})

describe('the saved first screen', () => {
  it('keeps what the screen shows, without what is true only for a moment, with the build and its stylesheets', () => {
    const root = page('/assets/index-abc.js')
    document.head.insertAdjacentHTML('beforeend', '<link rel="stylesheet" href="/assets/CommunesView.css">')
    root.innerHTML = screen
    const saved = captureFirstScreen(root) as SavedFirstScreen
    expect(saved.entry).toBe('/assets/index-abc.js')
    expect(saved.styles).toEqual(['/assets/index.css', '/assets/CommunesView.css'])
    expect(saved.html).toContain('Xã Lũng Cú')
    expect(saved.html).toContain('3 báo cáo chờ gửi')
    expect(saved.html).not.toContain('Mất mạng')
    expect(saved.html).not.toContain('phút trước')
    // The page itself is untouched.
    expect(root.innerHTML).toContain('Mất mạng')
  })

  it('is painted by public/first-screen.js before the app, with its stylesheets, and marked', () => {
    const root = page('/assets/index-abc.js')
    localStorage.setItem(
      FIRST_SCREEN_KEY,
      JSON.stringify({ entry: '/assets/index-abc.js', styles: ['/assets/index.css', '/assets/CommunesView.css'], html: '<a href="/communes/c1">Xã Lũng Cú</a>' }),
    )
    paint()
    expect(root.textContent).toBe('Xã Lũng Cú')
    expect(root.getAttribute('aria-busy')).toBe('true')
    expect([...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.getAttribute('href'))).toEqual(['/assets/index.css', '/assets/CommunesView.css'])
    expect(performance.getEntriesByName('giao-uoc:first-screen')).toHaveLength(1)
  })

  it('is not painted for another build, nor when nothing is saved or it cannot be read', () => {
    for (const saved of [JSON.stringify({ entry: '/assets/index-old.js', styles: [], html: 'Xã cũ' }), null, '{not json']) {
      const root = page('/assets/index-abc.js')
      if (saved !== null) localStorage.setItem(FIRST_SCREEN_KEY, saved)
      else localStorage.removeItem(FIRST_SCREEN_KEY)
      paint()
      expect(root.innerHTML).toBe('')
    }
    expect(performance.getEntriesByName('giao-uoc:first-screen')).toHaveLength(0)
  })

  it('follows a link tapped while it was only painted, once the app has taken over', () => {
    const root = page('/assets/index-abc.js')
    localStorage.setItem(FIRST_SCREEN_KEY, JSON.stringify({ entry: '/assets/index-abc.js', styles: [], html: '<a href="/communes/c1"><span>Xã Lũng Cú</span></a>' }))
    paint()
    const tap = new MouseEvent('click', { bubbles: true, cancelable: true })
    root.querySelector('span')?.dispatchEvent(tap)
    expect(tap.defaultPrevented).toBe(true)
    const push = vi.fn(() => Promise.resolve())
    takeOverFirstScreen(root, { push } as unknown as Router)
    expect(push).toHaveBeenCalledWith('/communes/c1')
    expect(root.hasAttribute('aria-busy')).toBe(false)
    expect(root.dataset.tapped).toBeUndefined()
    // Taps on the app's own screen are the app's.
    const later = new MouseEvent('click', { bubbles: true, cancelable: true })
    root.querySelector('span')?.dispatchEvent(later)
    expect(later.defaultPrevented).toBe(false)
  })
})
