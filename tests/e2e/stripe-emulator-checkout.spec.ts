import { expect, test, type Page } from '@playwright/test';
import Stripe from 'stripe';
import { startStripeEmulator, type StripeEmulator } from '../../stripe-emulator/server';
import { seedCatalog, startReceiver, stripeClient, WEBHOOK_SECRET } from '../stripe-emulator/harness';

/**
 * Buys through the emulator's hosted pages in a real browser. No app needed:
 * the test starts an emulator and a webhook receiver that also serves the
 * merchant's success/cancel pages.
 */
let emu: StripeEmulator;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let stripe: Stripe;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
const verifier = new Stripe('sk_test_unused');

test.beforeAll(async () => {
  rx = await startReceiver();
  emu = await startStripeEmulator({ port: 0, webhookUrls: [rx.url], webhookSecret: WEBHOOK_SECRET, retryBaseMs: 20 });
  stripe = stripeClient(emu.port);
  cat = await seedCatalog(stripe);
});
test.afterAll(async () => {
  await emu?.close();
  await rx?.close();
});

const CARDS = { ok: '4242 4242 4242 4242', declined: '4000 0000 0000 0002', threeDS: '4000 0025 0000 3155' };

function sessionParams(mode: 'payment' | 'subscription'): Stripe.Checkout.SessionCreateParams {
  return {
    mode,
    line_items: [{ price: mode === 'payment' ? cat.credits.id : cat.monthly.id, quantity: 1 }],
    success_url: `${rx.origin}/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${rx.origin}/pricing`,
    customer_email: mode === 'subscription' ? 'e2e-sub@example.com' : undefined,
    metadata: { package_id: mode === 'payment' ? 'credits_50' : 'professional_monthly' },
  };
}

async function pay(page: Page, card: string): Promise<void> {
  const email = page.getByLabel('Email');
  if (await email.isEditable()) await email.fill('e2e@example.com');
  await page.getByLabel('Card number').fill(card);
  await page.getByLabel('Expiry (MM / YY)').fill('12 / 34');
  await page.getByLabel('CVC').fill('123');
  await page.getByLabel('Name on card').fill('E2E Buyer');
  await page.getByRole('button', { name: /^(Pay|Subscribe|Start trial)/ }).click();
}

/**
 * Signed events the receiver got since `mark` (tests run serially), each
 * verified with the real stripe package exactly as the app does.
 */
async function verifiedEventsSince(mark: number): Promise<Stripe.Event[]> {
  await emu.flushWebhooks();
  return rx.received
    .slice(mark)
    .map((r) => verifier.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, WEBHOOK_SECRET));
}
const mark = async () => {
  await emu.flushWebhooks();
  return rx.received.length;
};

test.describe('hosted checkout: credit pack (payment mode)', () => {
  test('4242 pays and redirects to success_url with the session id', async ({ page }) => {
    const m = await mark();
    const s = await stripe.checkout.sessions.create(sessionParams('payment'));
    await page.goto(s.url!);
    await expect(page.getByRole('heading', { name: 'Checkout' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Order summary' })).toContainText('50 AI Stories');
    await expect(page.getByTestId('total')).toHaveText('£5.00');
    await pay(page, CARDS.ok);
    await page.waitForURL(`${rx.origin}/success?session_id=${s.id}`);
    const events = await verifiedEventsSince(m);
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
    const completed = events.find((e) => e.type === 'checkout.session.completed')!;
    expect((completed.data.object as Stripe.Checkout.Session).id).toBe(s.id);
    expect((completed.data.object as Stripe.Checkout.Session).metadata).toEqual({ package_id: 'credits_50' });
  });

  test('declined card shows the message and the buyer can retry', async ({ page }) => {
    const m = await mark();
    const s = await stripe.checkout.sessions.create(sessionParams('payment'));
    await page.goto(s.url!);
    await pay(page, CARDS.declined);
    await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
    expect((await verifiedEventsSince(m)).map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
    await pay(page, CARDS.ok);
    await page.waitForURL(/\/success\?session_id=/);
    const types = (await verifiedEventsSince(m)).map((e) => e.type);
    expect(types.slice(3)).toEqual(['charge.succeeded', 'payment_intent.succeeded', 'checkout.session.completed']);
  });

  test('3-D Secure: failing shows the failure, completing pays', async ({ page }) => {
    const m = await mark();
    const s = await stripe.checkout.sessions.create(sessionParams('payment'));
    await page.goto(s.url!);
    await pay(page, CARDS.threeDS);
    await expect(page.getByRole('heading', { name: '3D Secure authentication' })).toBeVisible();
    await page.getByRole('button', { name: 'Fail authentication' }).click();
    await expect(page.getByRole('alert')).toContainText('unable to authenticate');
    expect((await stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    await pay(page, CARDS.threeDS);
    await page.getByRole('button', { name: 'Complete authentication' }).click();
    await page.waitForURL(/\/success\?session_id=/);
    expect((await verifiedEventsSince(m)).map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'payment_intent.payment_failed',
        'payment_intent.succeeded',
        'checkout.session.completed',
      ]),
    );
  });

  test('Cancel returns to cancel_url', async ({ page }) => {
    const s = await stripe.checkout.sessions.create(sessionParams('payment'));
    await page.goto(s.url!);
    await page.getByRole('link', { name: 'Cancel and return' }).click();
    await page.waitForURL(`${rx.origin}/pricing`);
  });
});

test.describe('hosted checkout: subscription', () => {
  for (const [name, card] of Object.entries(CARDS)) {
    test(`card ${name}`, async ({ page }) => {
      const m = await mark();
      const s = await stripe.checkout.sessions.create(sessionParams('subscription'));
      await page.goto(s.url!);
      await expect(page.getByRole('heading', { name: 'Subscribe' })).toBeVisible();
      await expect(page.getByTestId('total')).toHaveText('$10.00');
      await pay(page, card);
      if (name === 'declined') {
        await expect(page.getByRole('alert')).toHaveText('Your card was declined.');
        await pay(page, CARDS.ok);
      }
      if (name === 'threeDS') await page.getByRole('button', { name: 'Complete authentication' }).click();
      await page.waitForURL(/\/success\?session_id=/);
      const events = await verifiedEventsSince(m);
      const types = events.map((e) => e.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'customer.created',
          'customer.subscription.created',
          'invoice.paid',
          'invoice.payment_succeeded',
          'payment_intent.succeeded',
          'checkout.session.completed',
        ]),
      );
      expect(types.at(-1)).toBe('checkout.session.completed');
      if (name === 'declined') expect(types).toContain('payment_intent.payment_failed');
      const sub = await stripe.subscriptions.retrieve(
        (await stripe.checkout.sessions.retrieve(s.id)).subscription as string,
      );
      expect(sub.status).toBe('active');
    });
  }
});

test('an expired session says so', async ({ page }) => {
  const s = await stripe.checkout.sessions.create(sessionParams('payment'));
  await stripe.checkout.sessions.expire(s.id);
  await page.goto(s.url!);
  await expect(page.getByRole('heading', { name: 'This checkout session has expired' })).toBeVisible();
});

test('billing portal: cancel at period end, resume, switch monthly ↔ annual, return', async ({ page }) => {
  const s = await stripe.checkout.sessions.create(sessionParams('subscription'));
  await fetch(`${emu.url}/_emulator/checkout/sessions/${s.id}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const done = await stripe.checkout.sessions.retrieve(s.id);
  const subId = done.subscription as string;
  const portal = await stripe.billingPortal.sessions.create({
    customer: done.customer as string,
    return_url: `${rx.origin}/account`,
  });
  await page.goto(portal.url);
  await expect(page.getByRole('heading', { name: 'Manage your billing' })).toBeVisible();

  await page.getByRole('button', { name: 'Cancel subscription' }).click();
  await expect(page.getByRole('status')).toContainText('canceled at the end of the billing period');
  await expect(page.getByText(/Cancels on/)).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);

  await page.getByRole('button', { name: 'Renew subscription' }).click();
  await expect(page.getByText(/Renews on/)).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(false);

  await page.getByRole('button', { name: /Switch to annual billing/ }).click();
  await expect(page.getByRole('button', { name: /Switch to monthly billing/ })).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subId)).items.data[0]?.price.lookup_key).toBe('professional_annual');
  await page.getByRole('button', { name: /Switch to monthly billing/ }).click();
  await expect(page.getByRole('button', { name: /Switch to annual billing/ })).toBeVisible();
  expect((await stripe.subscriptions.retrieve(subId)).items.data[0]?.price.lookup_key).toBe('professional_monthly');

  await emu.flushWebhooks();
  const updates = rx.received
    .map((r) => verifier.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, WEBHOOK_SECRET))
    .filter((e) => e.type === 'customer.subscription.updated' && (e.data.object as Stripe.Subscription).id === subId);
  expect(updates.length).toBeGreaterThanOrEqual(4);

  await page.getByRole('link', { name: 'Return to AgileForge' }).click();
  await page.waitForURL(`${rx.origin}/account`);
});
