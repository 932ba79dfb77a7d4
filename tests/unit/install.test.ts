import { describe, expect, it } from 'vitest'
import { isIosSafari } from '@/composables/install'

const ua = {
  iPhoneSafari: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  iPhoneChrome: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1',
  iPadDesktop: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15',
  android: 'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
}

describe('isIosSafari', () => {
  it.each([
    [ua.iPhoneSafari, 5, true],
    [ua.iPhoneChrome, 5, false],
    [ua.iPadDesktop, 5, true],
    [ua.iPadDesktop, 0, false],
    [ua.android, 5, false],
  ])('%s with %d touch points → %s', (userAgent, touchPoints, expected) => {
    expect(isIosSafari(userAgent, touchPoints)).toBe(expected)
  })
})

describe('the install offer on the main screen', () => {
  const mountOffer = async (lastPullAt: string | null) => {
    const [{ mount }, { createPinia, setActivePinia }, { default: InstallOffer }, { i18n }, { useFieldStore }, { listenForInstallPrompt }] = await Promise.all([
      import('@vue/test-utils'),
      import('pinia'),
      import('@/components/pwa/InstallOffer.vue'),
      import('@/i18n'),
      import('@/stores/field'),
      import('@/composables/install'),
    ])
    const pinia = createPinia()
    setActivePinia(pinia)
    useFieldStore().data = { ...useFieldStore().data, lastPullAt }
    listenForInstallPrompt(window)
    return mount(InstallOffer, { global: { plugins: [pinia, i18n] } })
  }
  const offerPrompt = () => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: () => Promise.resolve(),
      userChoice: Promise.resolve({ outcome: 'dismissed' as const }),
    })
    window.dispatchEvent(event)
  }

  it('appears once the phone has synced and the browser may install, and goes away for good on "Để sau"', async () => {
    localStorage.clear()
    expect((await mountOffer(null)).find('[data-testid="install-offer"]').exists()).toBe(false)
    const offer = await mountOffer('2026-12-01T02:00:00.000Z')
    offerPrompt()
    await offer.vm.$nextTick()
    expect(offer.get('[data-testid="install-offer"]').text()).toContain('Cài ứng dụng')
    await offer.get('button.button--secondary').trigger('click')
    expect(offer.find('[data-testid="install-offer"]').exists()).toBe(false)
    expect((await mountOffer('2026-12-01T02:00:00.000Z')).find('[data-testid="install-offer"]').exists()).toBe(false)
  })
})
