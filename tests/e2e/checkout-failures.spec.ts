import { expect, test, type Page } from '@playwright/test';
import { CARDS, STRIPE_PORT, payOnHostedCheckout, signUpAndSignIn } from './ui-helpers';

/**
 * Failed payments through the app and its local Stripe: the hosted page says what went wrong,
 * the buyer returns to the app, and the app says nothing was charged and grants nothing. Each
 * test ends with a paid purchase: webhooks arrive in order, so once it is fulfilled every event of
 * the failed attempt has been handled too, and a credit granted by mistake would show in the total.
 */
const STARTER_ALLOWANCE = 25;

async function startBuying(page: Page, pack: string): Promise<string> {
  await page.goto('/pricing?currency=gbp');
  await page.getByRole('article', { name: pack, exact: true }).getByRole('button', { name: 'Buy' }).click();
  await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${STRIPE_PORT}/checkout/cs_`));
  return new URL(page.url()).pathname.split('/').pop()!;
}

async function returnToApp(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Cancel and return' }).click();
  await expect(page).toHaveURL(/\/pricing\?checkout=cancelled/);
  await expect(page.getByRole('status').filter({ hasText: 'Checkout cancelled' })).toContainText('Nothing was charged');
}

async function expectCredits(page: Page, remaining: number): Promise<void> {
  await page.goto('/account/credits');
  await expect(page.getByTestId('remaining-credits')).toHaveText(String(remaining));
}

test('a declined card grants nothing and the app says nothing was charged', async ({ page }) => {
  await signUpAndSignIn(page, 'declined');
  await expectCredits(page, STARTER_ALLOWANCE);

  const declined = await startBuying(page, '50 AI Stories');
  await payOnHostedCheckout(page, CARDS.declined);
  await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
  await returnToApp(page);
  // The app knows the session was never paid.
  const status = await page.request.get(`/api/packages/checkout/${declined}`);
  expect(status.status()).toBe(200);
  expect(((await status.json()) as { status: string }).status).toBe('open');
  await expectCredits(page, STARTER_ALLOWANCE);
  await expect(page.getByTestId('grant-credits_50')).toHaveCount(0);
  await page.goto('/account/purchases');
  await expect(page.getByText('No purchases yet')).toBeVisible();

  // A card that works, afterwards: exactly one pack, one purchase.
  await startBuying(page, '50 AI Stories');
  await payOnHostedCheckout(page, CARDS.ok);
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('checkout-status')).toContainText('50 AI story credits added', { timeout: 30_000 });
  await expect(page.getByTestId('checkout-status')).toContainText(
    `You now have ${STARTER_ALLOWANCE + 50} credits available`,
  );
  await expectCredits(page, STARTER_ALLOWANCE + 50);
  await page.goto('/account/purchases');
  await expect(page.getByRole('table', { name: 'Purchases' }).getByRole('row')).toHaveCount(2);
});

test('a failed 3-D Secure challenge grants nothing and says so; a completed one grants the pack', async ({ page }) => {
  await signUpAndSignIn(page, 'threeds');

  const failed = await startBuying(page, '100 AI Stories');
  await payOnHostedCheckout(page, CARDS.threeDS);
  await expect(page.getByRole('heading', { name: '3D Secure authentication' })).toBeVisible();
  await page.getByRole('button', { name: 'Fail authentication' }).click();
  await expect(page.getByRole('alert')).toContainText('unable to authenticate');
  await returnToApp(page);
  const status = await page.request.get(`/api/packages/checkout/${failed}`);
  expect(((await status.json()) as { status: string }).status).toBe('open');
  await expectCredits(page, STARTER_ALLOWANCE);
  await expect(page.getByTestId('grant-credits_100')).toHaveCount(0);

  await startBuying(page, '100 AI Stories');
  await payOnHostedCheckout(page, CARDS.threeDS);
  await expect(page.getByRole('heading', { name: '3D Secure authentication' })).toBeVisible();
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('checkout-status')).toContainText('100 AI story credits added', { timeout: 30_000 });
  await expectCredits(page, STARTER_ALLOWANCE + 100);
  await expect(page.getByTestId('grant-credits_100')).toContainText('100 of 100 left');
  await page.goto('/account/purchases');
  const purchases = page.getByRole('table', { name: 'Purchases' });
  await expect(purchases.getByRole('row')).toHaveCount(2);
  await expect(purchases.getByRole('cell', { name: '100 AI Stories', exact: true })).toBeVisible();
});
