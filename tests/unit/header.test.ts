import { afterEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import TheHeader from '@/components/layout/TheHeader.vue'
import { applyLocale, i18n } from '@/i18n'
import { useAppStore } from '@/stores/app'

function setOnline(online: boolean): void {
  Object.defineProperty(window.navigator, 'onLine', { configurable: true, get: () => online })
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}

afterEach(async () => {
  setOnline(true)
  await applyLocale('vi')
})

describe('TheHeader', () => {
  it('shows the app name and the network state, in Vietnamese first', async () => {
    const pinia = createPinia()
    setActivePinia(pinia)
    await useAppStore().start(() => Promise.resolve('x'))
    const header = mount(TheHeader, { global: { plugins: [pinia, i18n] } })

    expect(header.text()).toContain('Giao Ước')
    expect(header.get('[data-testid="network-status"]').text()).toBe('Đã kết nối')

    setOnline(false)
    await header.vm.$nextTick()
    expect(header.get('[data-testid="network-status"]').text()).toBe('Không có mạng')

    await applyLocale('en')
    await header.vm.$nextTick()
    expect(header.get('[data-testid="network-status"]').text()).toBe('Offline')
    expect(document.documentElement.lang).toBe('en')
  })
})
