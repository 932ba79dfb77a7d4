import AxeBuilder from '@axe-core/playwright'
import { expect, type Page } from '@playwright/test'

/** Open the app and wait until its service worker controls the page (it claims on first install). */
export async function openControlled(page: Page, path = '/'): Promise<void> {
  await page.goto(path)
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
}

export async function expectHeading(page: Page, name: string | RegExp): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

/** Nothing wider than a 360 px screen, and every control at least 44 px tall, for a thumb. */
export async function expectFitsPhone(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  expect(overflow).toBeLessThanOrEqual(0)
  for (const control of await page.locator('a[href], button, label:has(input)').all()) {
    if (!(await control.isVisible())) continue
    const box = await control.boundingBox()
    expect(box?.height ?? 0, await control.innerText()).toBeGreaterThanOrEqual(44)
  }
}

/** No serious or critical accessibility violation on the screen as it stands (axe-core, WCAG 2.1 A and AA). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
  expect(
    serious.map(
      (violation) =>
        `${violation.id}: ${violation.help} at ${violation.nodes
          .map((node) => node.target.join(' '))
          .slice(0, 3)
          .join('; ')}`,
    ),
    `${screen} (${page.url()})`,
  ).toEqual([])
}
