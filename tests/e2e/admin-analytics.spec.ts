import { expect, test, type Page } from '@playwright/test';

// The demo login is a platform admin (lib/accounts/demo.ts).
const STRIPE_PORT = process.env.E2E_STRIPE_PORT ?? '12112';

async function signInAsAdmin(page: Page, returnTo: string): Promise<void> {
  await page.goto(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  await page.getByLabel('Email').fill('demo@agileforge.local');
  await page.getByLabel('Password').fill('demo-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function buyFiftyCredits(page: Page): Promise<void> {
  await page.goto('/pricing?currency=gbp');
  await page.getByRole('article', { name: '50 AI Stories', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await expect(page).toHaveURL(new RegExp(`127\\.0\\.0\\.1:${STRIPE_PORT}/checkout/`));
  const email = page.getByLabel('Email');
  if (await email.isEditable()) await email.fill('demo@agileforge.local');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('Demo Admin');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
}

test('a platform admin reads package analytics: charts, tables without JavaScript, URL filters and CSV', async ({
  page,
  browser,
}, testInfo) => {
  await signInAsAdmin(page, '/account');
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  await buyFiftyCredits(page);

  // The webhook arrives asynchronously: reload until the sale shows in the totals.
  const totals = page.getByRole('table', { name: 'Totals per currency' });
  await expect(async () => {
    await page.goto('/admin/analytics');
    await expect(totals.getByRole('row', { name: /^gbp 1 £5\.00/ })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Package analytics' })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Purchases per package' }).getByRole('row', { name: /^credits_50 gbp 1 £5\.00/ }),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Checkout funnel' }).getByRole('row', { name: /^credits_50 gbp 1 1 0 100\.0%/ }),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Credits per pack size' }).getByRole('row', { name: /^credits_50 50 1 50 / }),
  ).toBeVisible();
  // recharts drew the five charts.
  await expect(page.locator('.recharts-wrapper')).toHaveCount(5);
  await expect(page.locator('.recharts-wrapper svg').first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('admin-analytics.png'), fullPage: true });
  if (process.env.E2E_SCREENSHOT_PATH) await page.screenshot({ path: process.env.E2E_SCREENSHOT_PATH, fullPage: true });

  // The currency and date range live in the URL; the form writes them there.
  await page.getByRole('combobox', { name: 'Currency' }).selectOption('usd');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/currency=usd/);
  await expect(totals.getByRole('row')).toHaveCount(2);
  await expect(totals.getByRole('row', { name: /^usd 0 / })).toBeVisible();

  // Each table downloads as CSV.
  const csv = await page.request.get('/admin/analytics/export?table=packages&currency=gbp');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(csv.headers()['content-disposition']).toMatch(
    /attachment; filename="package-analytics-packages-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-gbp\.csv"/,
  );
  const lines = (await csv.text()).split('\r\n');
  expect(lines[0]).toBe(
    'Package,Currency,Purchases,Gross revenue (minor units),Refunds,Refunded (minor units),Net revenue (minor units),Average purchase (minor units),Active subscriptions,MRR (minor units)',
  );
  expect(lines).toContain('credits_50,gbp,1,500,0,0,500,500,0,0');

  // Without JavaScript the same figures are there, server-rendered.
  const noScript = await browser.newContext({
    javaScriptEnabled: false,
    storageState: await page.context().storageState(),
  });
  const plain = await noScript.newPage();
  await plain.goto('/admin/analytics?currency=gbp');
  await expect(
    plain.getByRole('table', { name: 'Totals per currency' }).getByRole('row', { name: /^gbp 1 £5\.00/ }),
  ).toBeVisible();
  await expect(plain.locator('.recharts-wrapper')).toHaveCount(0);
  await noScript.close();
});
