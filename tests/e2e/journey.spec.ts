import { expect, test } from '@playwright/test';
import { CARDS, expectAccessible, pageDate, payOnHostedCheckout, snapAndCheck } from './ui-helpers';

const DAY_MS = 86_400_000;

test.describe.configure({ mode: 'serial' });

test('a visitor goes from the landing page to a trial, packs, a plan change, an add-on and back, with receipts', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Landing → pricing.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Plans and AI story credits for AgileForge');
  await expect(page).toHaveTitle(/AgileForge/);
  await snapAndCheck(page, '01-landing');
  await page.getByRole('link', { name: 'See pricing' }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page).toHaveTitle('Pricing · AgileForge');
  await expect(page.getByTestId('price-professional_monthly')).toHaveText('$10.00 / month');
  await snapAndCheck(page, '02-pricing-visitor');

  // Annual, then GBP.
  const billingPeriod = page.getByRole('navigation', { name: 'Billing period' });
  await expect(billingPeriod.getByRole('link', { name: /Annual/ })).toContainText('2 months free');
  await billingPeriod.getByRole('link', { name: /Annual/ }).click();
  await expect(page.getByTestId('price-professional_annual')).toHaveText('$100.00 / year');
  await page.getByRole('navigation', { name: 'Currency' }).getByRole('link', { name: 'GBP' }).click();
  await expect(page.getByTestId('price-professional_annual')).toHaveText('£80.00 / year');
  const professional = page.getByRole('article', { name: 'Professional', exact: true });
  await expect(professional).toContainText('Save £16.00 a year (2 months free)');
  await expect(professional).toContainText('200 per member');
  const pack100 = page.getByRole('article', { name: '100 AI Stories', exact: true });
  await expect(pack100).toContainText('£0.09 per story (10% less than the 50 pack)');
  await expect(page.getByRole('article', { name: '250 AI Stories', exact: true })).toContainText(
    'Priority AI processing',
  );
  await expect(page.getByRole('article', { name: 'Extra Storage', exact: true })).toContainText('Needs a paid plan');

  // Sign up from the trial button and come straight back to the same purchase.
  await professional.getByRole('link', { name: 'Start a 14-day trial' }).click();
  await expect(page).toHaveURL(/\/signup\?callbackUrl=/);
  await snapAndCheck(page, '03-signup');
  const email = `journey-${Date.now()}@example.com`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('journey-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  // Sign-up answers alike for every address (it never reveals one is registered), then the visitor signs in.
  await expect(page.getByTestId('notice')).toContainText(`We sent a mail to ${email}`);
  await page.getByRole('link', { name: 'Sign in to continue' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill('journey-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/pricing\?billing=annual&currency=gbp&buy=professional_annual&trial=1/);
  const resume = page.getByRole('status').filter({ hasText: 'Continue your purchase' });
  await expect(resume).toContainText('Professional · £80.00 / year · 14-day free trial');
  await expect(page.getByRole('article', { name: 'Starter', exact: true })).toContainText('Your plan');
  await snapAndCheck(page, '04-pricing-resume');
  await resume.getByRole('button', { name: 'Continue: start your 14-day trial' }).click();
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(page.getByRole('heading', { name: 'Your Professional trial has started' })).toBeVisible({
    timeout: 30_000,
  });
  const trialEnds = pageDate(new Date(Date.now() + 14 * DAY_MS));
  await expect(page.getByTestId('checkout-status')).toContainText(`The trial ends on ${trialEnds}`);
  await snapAndCheck(page, '05-success-trial');

  // The 100 pack: 100 more credits with their expiry.
  await page.goto('/pricing');
  await expect(page.getByRole('article', { name: 'Professional', exact: true })).toContainText('Your plan');
  await expect(page.getByRole('article', { name: 'Professional', exact: true })).not.toContainText('14-day trial');
  await snapAndCheck(page, '06-pricing-member');
  await page.getByRole('article', { name: '100 AI Stories', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await payOnHostedCheckout(page);
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  const packExpiry = pageDate(new Date(Date.now() + 90 * DAY_MS));
  await expect(page.getByTestId('checkout-status')).toContainText(
    `100 AI story credits added, valid until ${packExpiry}`,
    { timeout: 30_000 },
  );
  // The Professional allowance (200 for one member) plus the pack.
  await expect(page.getByTestId('checkout-status')).toContainText('You now have 300 credits available');
  await snapAndCheck(page, '07-success-pack');

  // A declined card: the decline is shown and nothing is bought; cancelling returns to /pricing.
  await page.goto('/pricing');
  await page.getByRole('article', { name: '50 AI Stories', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await payOnHostedCheckout(page, CARDS.declined);
  await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
  await page.getByRole('link', { name: 'Cancel and return' }).click();
  await expect(page).toHaveURL(/\/pricing\?checkout=cancelled/);
  await expect(page.getByRole('status').filter({ hasText: 'Checkout cancelled' })).toContainText('Nothing was charged');
  await snapAndCheck(page, '08-pricing-cancelled');

  // 3-D Secure completes after the challenge.
  await page.getByRole('article', { name: '250 AI Stories', exact: true }).getByRole('button', { name: 'Buy' }).click();
  await payOnHostedCheckout(page, CARDS.threeDS);
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await expect(page).toHaveURL(/\/success\?session_id=cs_/);
  await expect(page.getByTestId('checkout-status')).toContainText('250 AI story credits added', { timeout: 30_000 });

  // Credits: a bar per grant with its expiry.
  await page.goto('/account/credits');
  await expect(page.getByTestId('remaining-credits')).toHaveText('550');
  await expect(page.getByTestId('grant-credits_100')).toContainText(`100 of 100 left`);
  await expect(page.getByTestId('grant-credits_100')).toContainText(`Expires on ${packExpiry}`);
  await expect(page.getByRole('progressbar', { name: '100 AI Stories: 100 of 100 credits left' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Credit movements, newest first' })).toContainText('250 AI Stories');
  await snapAndCheck(page, '09-credits');
  // Usage per member is the other tab; the tab is kept in the URL.
  await page.getByRole('tab', { name: 'By member this month' }).click();
  await expect(page.getByRole('table', { name: 'Stories by member this month' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Credit movements, newest first' })).toBeHidden();
  await expect(page).toHaveURL(/\/account\/credits\?tab=members$/);
  await expectAccessible(page, 'the credits page, members tab');
  await page.getByRole('tab', { name: 'Usage history' }).press('Enter');
  await expect(page.getByRole('table', { name: 'Credit movements, newest first' })).toBeVisible();
  // Each tab is a link the server answers with that tab open (what a browser without JavaScript follows).
  await expect(page.getByRole('tab', { name: 'By member this month' })).toHaveAttribute(
    'href',
    '/account/credits?tab=members',
  );
  await page.goto('/account/credits?tab=members');
  await expect(page.getByRole('tab', { name: 'By member this month' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('table', { name: 'Stories by member this month' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Credit movements, newest first' })).toBeHidden();

  // Billing: preview and confirm a change to Business.
  await page.goto('/account/billing');
  await expect(page).toHaveTitle('Billing · AgileForge');
  await expect(page.getByTestId('billing-plan')).toHaveText('Professional (annual)');
  await expect(page.getByTestId('billing-status')).toHaveText(`Trial until ${trialEnds}`);
  await snapAndCheck(page, '10-billing-trial');
  // The plans to change to are tabbed by billing period, opening on the team's own (annual).
  const periods = page.getByRole('tablist', { name: 'Billing period' });
  await expect(periods.getByRole('tab', { name: 'Annual' })).toHaveAttribute('aria-selected', 'true');
  await periods.getByRole('tab', { name: 'Monthly' }).click();
  await expect(page.getByRole('button', { name: 'Switch to Business', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Switch to Business (annual)' })).toBeHidden();
  await periods.getByRole('tab', { name: 'Annual' }).click();
  await page.getByRole('button', { name: 'Switch to Business (annual)' }).click();
  const change = page.getByRole('dialog');
  await expect(change.getByTestId('preview-total')).toHaveText(/^£\d+\.\d\d$/);
  const planCharge = (await change.getByTestId('preview-total').textContent())!;
  await expect(change).toContainText(`Takes effect on ${pageDate(new Date())}`);
  await expectAccessible(page, 'the plan change dialog');
  await change.getByRole('button', { name: /^Confirm/ }).click();
  await expect(page.getByText('Your team is now on Business (annual)')).toBeVisible();
  await expect(page.getByTestId('billing-plan')).toHaveText('Business (annual)');

  // The storage add-on, with its prorated charge shown first.
  await page.getByRole('button', { name: 'Add Extra Storage' }).click();
  const addon = page.getByRole('dialog');
  await expect(addon.getByTestId('preview-total')).toHaveText(/^£\d+\.\d\d$/);
  const addonCharge = (await addon.getByTestId('preview-total').textContent())!;
  await addon.getByRole('button', { name: /^Confirm/ }).click();
  await expect(page.getByText('Extra Storage added')).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('billing-addons')).toHaveText('Extra Storage', { timeout: 1000 });
  }).toPass({ timeout: 20_000 });

  // Cancel at period end (the dialog says when), then resume.
  await page.getByRole('button', { name: 'Cancel plan' }).click();
  const cancel = page.getByRole('dialog');
  await expect(cancel).toContainText('Nothing more is charged');
  const periodEnd = (await page.getByTestId('billing-period-end').textContent())!;
  await cancel.getByRole('button', { name: `Cancel on ${periodEnd}` }).click();
  await expect(page.getByText('Ends on')).toBeVisible();
  await expect(page.getByText('Cancelling', { exact: true })).toBeVisible();
  await snapAndCheck(page, '11-billing-cancelling');
  await page.getByRole('button', { name: 'Resume plan' }).click();
  await expect(page.getByText('Renews on')).toBeVisible();

  // Purchase history: every purchase, each with a receipt the local Stripe serves.
  await page.goto('/account/purchases');
  const table = page.getByRole('table', { name: 'Purchases' });
  // Every paid purchase: the packs, and the prorated plan change and add-on when they cost something.
  const expected = [
    ['100 AI Stories', '£9.00'],
    ['250 AI Stories', '£20.00'],
    ...(planCharge === '£0.00' ? [] : [['Business (annual)', planCharge]]),
    ...(addonCharge === '£0.00' ? [] : [['Extra Storage', addonCharge]]),
  ];
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole('row')).toHaveCount(1 + expected.length, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  for (const [name, amount] of expected) {
    const row = table.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });
    await expect(row.getByRole('cell', { name: amount, exact: true })).toBeVisible();
    await expect(row).toContainText('Paid');
  }
  // The declined 50 pack bought nothing.
  await expect(table.getByRole('cell', { name: '50 AI Stories', exact: true })).toHaveCount(0);
  const receipts = table.getByRole('link', { name: /^Receipt/ });
  await expect(receipts).toHaveCount(expected.length);
  for (const link of await receipts.all()) {
    const href = (await link.getAttribute('href'))!;
    const res = await page.request.get(href, { maxRedirects: 0 });
    expect(res.status()).toBe(303);
    const stripePage = await page.request.get(res.headers()['location']!);
    expect(stripePage.status()).toBe(200);
  }
  await snapAndCheck(page, '12-purchases');

  // The other pages look right and pass axe too.
  for (const [path, name] of [
    ['/account', '13-account'],
    ['/account/team', '14-team'],
    ['/account/tokens', '15-tokens'],
    ['/contact-sales', '16-contact-sales'],
    ['/no-such-page', '17-not-found'],
  ] as const) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    await snapAndCheck(page, name);
  }
});

test('signed-out pages, the contact-sales form and the API paths with a trailing slash', async ({ page, request }) => {
  await page.goto('/signin');
  await snapAndCheck(page, '18-signin');
  await page.goto('/contact-sales');
  await page.getByLabel('Your name').fill('Ada Lovelace');
  await page.getByLabel('Work email').fill('ada@example.com');
  await page.getByLabel('Company').fill('Analytical Engines Ltd');
  await page.getByLabel('Team size (optional)').fill('250');
  await page.getByLabel('What do you need?').fill('SSO for 250 people and invoicing in GBP.');
  await page.getByRole('button', { name: 'Send to sales' }).click();
  await expect(page.getByRole('status')).toContainText('we will be in touch');

  for (const path of ['/api/health/live', '/api/health/ready', '/api/health']) {
    const res = await request.get(path, { maxRedirects: 0 });
    expect(res.status(), path).toBe(200);
  }
  // A visitor-facing page with a trailing slash still has one canonical address.
  expect((await request.get('/pricing/', { maxRedirects: 0 })).status()).toBe(308);
});

test('every documented GET path answers 200 with and without a trailing slash, never a redirect', async ({ page }) => {
  await page.goto('/signin');
  await page.getByLabel('Email').fill('demo@agileforge.local');
  await page.getByLabel('Password').fill('demo-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  const paths = [
    '/api/packages',
    '/api/packages?package_type=credit_pack',
    '/api/packages/subscriptions',
    '/api/packages/addons',
    '/api/packages/credits',
    '/api/packages/credits_100',
    '/api/packages/user/purchases',
    '/api/packages/user/subscription',
    '/api/packages/user/entitlements',
    '/api/packages/user/credits',
    '/api/packages/openapi.json',
  ];
  for (const path of paths) {
    const [base, query] = path.split('?');
    for (const variant of [path, `${base}/${query ? `?${query}` : ''}`]) {
      const res = await page.request.get(variant, { maxRedirects: 0 });
      expect(res.status(), variant).toBe(200);
    }
  }
  const packs = (await (await page.request.get('/api/packages/?package_type=credit_pack')).json()) as { id: string }[];
  expect(packs.map((p) => p.id)).toEqual(['credits_50', 'credits_100', 'credits_250']);
});

test('the return page waits, and after 30 s without the webhook says the payment is being confirmed', async ({
  page,
  baseURL,
}) => {
  const email = `waiting-${Date.now()}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('waiting-password-2026');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('link', { name: 'Sign in to continue' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(email);
  await page.getByLabel('Password').fill('waiting-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', exact: true })).toBeVisible();
  // A session the customer never pays: the webhook never fulfils it.
  const open = () =>
    page.request.post('/api/packages/checkout', {
      headers: { Origin: baseURL! },
      data: { package_id: 'credits_50', success_url: `${baseURL}/success`, cancel_url: `${baseURL}/pricing` },
    });
  let res = await open();
  // Every test reaches the server from 127.0.0.1, so the per-address checkout limit (10 a minute) is
  // shared with the tests before this one: when it is reached, wait as the 429 says and ask again.
  if (res.status() === 429) {
    await page.waitForTimeout(Number(res.headers()['retry-after']) * 1000);
    res = await open();
  }
  expect(res.status()).toBe(201);
  const { session_id } = (await res.json()) as { session_id: string };
  await page.clock.install();
  await page.goto(`/success?session_id=${session_id}`);
  await expect(page.getByRole('heading', { name: 'Confirming your payment…' })).toBeVisible();
  await expect(page.getByTestId('checkout-status')).toContainText('Waiting for Stripe');
  await page.clock.fastForward(31_000);
  await expect(page.getByTestId('checkout-status')).toContainText('Your payment is still being confirmed');
  await expect(page.getByTestId('checkout-status')).toContainText('you will not be charged twice');
  // Another team's session is not shown.
  await page.goto('/success?session_id=cs_test_not_ours');
  await expect(page.getByRole('heading', { name: 'We could not find that checkout' })).toBeVisible();
});

test('the platform admin page, with the contact-sales requests, looks right and passes axe', async ({ page }) => {
  // A request from a visitor, so /admin lists one rather than its empty state.
  await page.goto('/contact-sales');
  await page.getByLabel('Your name').fill('Grace Hopper');
  await page.getByLabel('Work email').fill('grace@example.com');
  await page.getByLabel('Company').fill('Compilers Inc');
  await page.getByLabel('What do you need?').fill('Enterprise plan for 400 people.');
  await page.getByRole('button', { name: 'Send to sales' }).click();
  await expect(page.getByRole('status')).toContainText('we will be in touch');

  // The demo login is a platform admin (lib/accounts/demo.ts).
  await page.goto('/signin?callbackUrl=%2Fadmin');
  await page.getByLabel('Email').fill('demo@agileforge.local');
  await page.getByLabel('Password').fill('demo-password-2026');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('heading', { name: 'Admin', level: 1 })).toBeVisible();
  await expect(page.getByRole('main')).toContainText('grace@example.com');
  await snapAndCheck(page, '19-admin');
});
