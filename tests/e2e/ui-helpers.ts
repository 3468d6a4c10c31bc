import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

export const STRIPE_PORT = process.env.E2E_STRIPE_PORT ?? '12112';
export const CARDS = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', threeDS: '4000 0025 0000 3155' };

/** Fills the local Stripe's hosted Checkout page and submits it. */
export async function payOnHostedCheckout(page: Page, card: string = CARDS.ok): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${STRIPE_PORT}/checkout/`));
  const email = page.getByLabel('Email');
  if (await email.isEditable()) await email.fill('buyer@example.com');
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('E2E Buyer');
  await page.getByRole('button', { name: /^(Pay|Subscribe|Start trial)/ }).click();
}

/** No serious or critical axe violations on the page as it is now. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, `axe on ${what}`).toEqual([]);
}

/**
 * Full-page screenshots at desktop (1280) and phone (375) widths, kept under test-results/ as
 * artifacts, plus the axe check at both widths; returns to the desktop width.
 */
export async function snapAndCheck(page: Page, name: string): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
    // Nothing may scroll sideways on a phone.
    if (width === 375) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} is wider than the screen at ${width} px`).toBeLessThanOrEqual(0);
    }
    await page.screenshot({ path: test.info().outputPath(`${name}-${width}.png`), fullPage: true });
    await expectAccessible(page, `${name} at ${width} px`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** "10 Dec 2026": how the pages write a date (UTC). */
export function pageDate(d: Date): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    d,
  );
}

/** A new account on a new Starter team, signed in and on /account. */
export async function signUpAndSignIn(page: Page, prefix: string): Promise<string> {
  const email = `${prefix}-${Date.now()}@example.com`;
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(`${prefix}-password-2026`);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByTestId('notice')).toContainText(`We sent a mail to ${email}`);
  await page.goto('/signin?callbackUrl=%2Faccount');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(`${prefix}-password-2026`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  return email;
}
