import { expect, test } from '@playwright/test';

test('a visitor signs up, invites a member, creates an API token and uses it', async ({ page, request }) => {
  await page.goto('/account/tokens');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Faccount%2Ftokens/);

  const email = `e2e-${Date.now()}@example.com`;
  await page.getByRole('link', { name: 'Sign up' }).last().click();
  // The first page of a cold server can still be hydrating; a click before that is lost.
  await expect(page).toHaveURL(/\/signup/);
  await page.waitForLoadState('networkidle');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('too-short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toContainText('at least 10 characters');
  await page.getByLabel('Password').fill('e2e-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'API tokens' })).toBeVisible();

  await page.goto('/account/team');
  await page.getByLabel('Email').fill('teammate@example.com');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByTestId('invite-link')).toContainText('/account/invitations/');
  await expect(page.getByText('teammate@example.com (member)')).toBeVisible();

  await page.goto('/account/tokens');
  await page.getByLabel('Name').fill('e2e token');
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = (await page.getByTestId('new-token').textContent())!.trim();
  expect(token).toMatch(/^afk_/);
  await expect(page.getByRole('cell', { name: 'e2e token' })).toBeVisible();

  const res = await request.get('/api/packages/user/entitlements', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  expect((await res.json()).plan).toBe('starter');
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
