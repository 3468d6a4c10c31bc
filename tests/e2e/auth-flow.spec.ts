import { expect, test } from '@playwright/test';
import { linkInOutbox } from './outbox';

test('a visitor signs up, invites a member, creates an API token and uses it', async ({ page, request }) => {
  await page.goto('/account/tokens');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount%2Ftokens/);

  const email = `e2e-${Date.now()}@example.com`;
  await page.getByRole('link', { name: 'Sign up' }).last().click();
  await expect(page).toHaveURL(/\/signup/);
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('too-short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('at least 10 characters');
  await page.getByLabel('Password').fill('e2e-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  // The same answer as for a registered address: sign-up never says whether one exists.
  await expect(page.getByTestId('notice')).toContainText(`We sent a mail to ${email}`);

  // The confirmation link from the mail, confirmed with a button (a mail scanner's visit uses nothing up).
  await expect.poll(() => linkInOutbox(email, '/verify-email?token=')).not.toBeNull();
  await page.goto(linkInOutbox(email, '/verify-email?token=')!);
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await expect(page.getByTestId('notice')).toHaveText(`${email} is confirmed.`);

  await page.goto('/signin?callbackUrl=%2Faccount%2Ftokens');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('e2e-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();

  await page.goto('/account/team');
  await page.getByLabel('Email').fill('teammate@example.com');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  // The accept link is mailed to the invitee, never shown to the inviter.
  await expect(page.getByTestId('invite-sent')).toContainText('Invitation sent to teammate@example.com');
  await expect(page.getByText('teammate@example.com (member)')).toBeVisible();
  expect(linkInOutbox('teammate@example.com', '/account/invitations/')).not.toBeNull();

  // API tokens are a Business feature: a Starter team is told so and gets no token.
  await page.goto('/account/tokens');
  await expect(page.getByTestId('api-access-notice')).toContainText('your team is on starter');
  await page.getByLabel('Name').fill('e2e token');
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('Upgrade to Business');
  await expect(page.getByTestId('new-token')).toHaveCount(0);

  // The team subscribes to Business through Stripe Checkout, then creates the token.
  await page.goto('/pricing');
  await page.getByRole('article', { name: 'Business', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await expect(page).toHaveURL(/\/checkout\//);
  const checkoutEmail = page.getByLabel('Email');
  if (await checkoutEmail.isEditable()) await checkoutEmail.fill(email);
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('E2E Owner');
  await page.getByRole('button', { name: /^(Pay|Subscribe|Start trial)/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(async () => {
    await page.goto('/account/tokens');
    await expect(page.getByTestId('api-access-notice')).toHaveCount(0, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  await page.getByLabel('Name').fill('e2e token');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^afk_/);
  await expect(page.getByRole('cell', { name: 'e2e token' })).toBeVisible();

  const res = await request.get('/api/packages/user/entitlements', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const entitlements = await res.json();
  expect(entitlements.plan).toBe('business_monthly');
  expect(entitlements.features.api_access).toBe(true);
  expect((await request.get('/api/packages/user/entitlements')).status()).toBe(401);

  await page.getByRole('button', { name: 'Revoke' }).click();
  // Revoking asks first, saying what it does.
  await expect(page.getByRole('dialog')).toContainText('stops working immediately');
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
  // The dialog closes once the server has revoked it (while open, it hides the table from queries).
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(page.getByRole('cell', { name: 'e2e token' })).toHaveCount(0);
  expect(
    (await request.get('/api/packages/user/entitlements', { headers: { Authorization: `Bearer ${token}` } })).status(),
  ).toBe(401);
});

test('the demo user signs in (a wrong password gets one message for both mistakes) and signs out', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@agileforge.local');
  await page.getByLabel('Password').fill('wrong-password-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText('Wrong email or password.');
  await page.getByLabel('Password').fill('demo-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  await expect(page.getByTestId('plan')).toHaveText('starter');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount/);
  const api = await page.request.get('/api/packages/user/entitlements');
  expect(api.status()).toBe(401);
});
