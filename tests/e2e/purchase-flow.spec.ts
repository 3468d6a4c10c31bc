import { expect, test, type Page } from '@playwright/test';

async function signUp(page: Page): Promise<void> {
  const email = `buyer-${Date.now()}@example.com`;
  await page.goto('/signup');
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('buyer-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Sign-up answers the same for every address; the new account then signs in (buying needs no confirmed address).
  await expect(page.getByTestId('notice')).toContainText(`We sent a mail to ${email}`);
  await page.goto('/signin?callbackUrl=%2Faccount');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('buyer-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
}

const STRIPE_PORT = process.env.E2E_STRIPE_PORT ?? '12112';

async function payOnHostedCheckout(page: Page): Promise<void> {
  await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${STRIPE_PORT}/checkout/`));
  const email = page.getByLabel('Email');
  if (await email.isEditable()) await email.fill('buyer@example.com');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('E2E Buyer');
  await page.getByRole('button', { name: /^(Pay|Subscribe|Start trial)/ }).click();
}

test('a team buys a credit pack through Stripe Checkout and the webhook grants the credits', async ({ page }) => {
  await signUp(page);
  await page.goto('/pricing?currency=gbp');
  await page.getByRole('article', { name: '50 AI Stories', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('checkout-status')).toContainText('50 AI story credits added');
  await page.goto('/account/purchases');
  // The webhook arrives asynchronously: reload until the purchase shows.
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole('cell', { name: '50 AI Stories' })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByRole('cell', { name: '£5.00' })).toBeVisible();
  await page.goto('/account/credits');
  await expect(page.getByTestId('remaining-credits')).toHaveText('75');
});

test('a team subscribes to Professional and the billing page shows the plan', async ({ page }) => {
  await signUp(page);
  await page.goto('/pricing');
  await page.getByRole('article', { name: 'Professional', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(async () => {
    await page.goto('/account/billing');
    await expect(page.getByTestId('billing-plan')).toHaveText('Professional', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.goto('/account');
  await expect(page.getByTestId('plan')).toHaveText('professional_monthly');
});
