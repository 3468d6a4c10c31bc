import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

let h: Harness;
let cat: Awaited<ReturnType<typeof seedCatalog>>;
beforeAll(async () => {
  h = await startHarness();
  cat = await seedCatalog(h.stripe);
});
afterAll(() => h.close());

const urls = {
  success_url: 'http://localhost:3000/success?session_id={CHECKOUT_SESSION_ID}',
  cancel_url: 'http://localhost:3000/pricing',
};

async function post(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}
const card = (n: string) => ({
  email: 'page@example.com',
  cardNumber: n,
  cardExpiry: '12 / 34',
  cardCvc: '123',
  billingName: 'Page Buyer',
});

describe('hosted checkout page (plain HTTP)', () => {
  it('renders line items in the session currency and a cancel link', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id, quantity: 1 }],
      ...urls,
    });
    const html = await (await fetch(s.url!)).text();
    expect(html).toContain('<h1>Checkout</h1>');
    expect(html).toContain('50 AI Stories');
    expect(html).toContain('£5.00');
    expect(html).toContain('Pay £5.00');
    expect(html).toContain('href="http://localhost:3000/pricing"');
    expect(html).toMatch(/<label for="cardNumber">/);
  });

  it('declines, shows the message, then succeeds and redirects with the session id', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    const r1 = await post(s.url!, card('4000 0000 0000 0002'));
    expect(r1.status).toBe(303);
    const page = await (await fetch(s.url!)).text();
    expect(page).toContain('Your card was declined.');
    const r2 = await post(s.url!, card('4242 4242 4242 4242'));
    expect(r2.headers.get('location')).toBe(`http://localhost:3000/success?session_id=${s.id}`);
    expect((await h.stripe.checkout.sessions.retrieve(s.id)).status).toBe('complete');
  });

  it('3-D Secure challenge page: fail then complete', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      ...urls,
    });
    await post(s.url!, card('4000002500003155'));
    expect(await (await fetch(s.url!)).text()).toContain('3D Secure authentication');
    const waiting = await h.stripe.events.list({ type: 'payment_intent.requires_action', limit: 1 });
    expect(waiting.data).toHaveLength(0); // subscription mode: no PaymentIntent before the invoice
    await post(`${s.url}/3ds`, { action: 'fail' });
    expect(await (await fetch(s.url!)).text()).toContain('unable to authenticate');
    await post(s.url!, card('4000002500003155'));
    const done = await post(`${s.url}/3ds`, { action: 'complete' });
    expect(done.headers.get('location')).toContain(s.id);
    const sub = await h.stripe.subscriptions.retrieve(
      (await h.stripe.checkout.sessions.retrieve(s.id)).subscription as string,
    );
    expect(sub.status).toBe('active');
  });

  it('3-D Secure in payment mode: payment_intent.requires_action, then succeeded on the same intent', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    await post(s.url!, card('4000002500003155'));
    const pending = await h.stripe.checkout.sessions.retrieve(s.id, { expand: ['payment_intent'] });
    const pi = pending.payment_intent as Stripe.PaymentIntent;
    expect(pi.status).toBe('requires_action');
    const ev = await h.stripe.events.list({ type: 'payment_intent.requires_action', limit: 1 });
    expect((ev.data[0]?.data.object as Stripe.PaymentIntent).id).toBe(pi.id);
    await post(`${s.url}/3ds`, { action: 'complete' });
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
  });

  it('shows validation errors without charging, and expiry', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    await post(s.url!, { ...card('4242424242424242'), cardCvc: '' });
    expect(await (await fetch(s.url!)).text()).toContain('security code is incomplete');
    expect((await h.stripe.paymentIntents.list()).data.every((pi) => pi.id !== (s.payment_intent as string))).toBe(
      true,
    );
    await h.stripe.checkout.sessions.expire(s.id);
    const expired = await fetch(s.url!);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
  });

  it('trial sessions offer "Start trial"', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      subscription_data: { trial_period_days: 14 },
      ...urls,
    });
    const html = await (await fetch(s.url!)).text();
    expect(html).toContain('Start trial');
    expect(html).toContain('14 days');
  });
});

describe('billing portal page (plain HTTP)', () => {
  it('cancels at period end, resumes and switches monthly ↔ annual', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      customer_email: 'portal@example.com',
      ...urls,
    });
    await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    const session = await h.stripe.checkout.sessions.retrieve(s.id);
    const subId = session.subscription as string;
    const portal = await h.stripe.billingPortal.sessions.create({
      customer: session.customer as string,
      return_url: 'http://localhost:3000/account',
    });
    let html = await (await fetch(portal.url)).text();
    expect(html).toContain('Professional');
    expect(html).toContain('Switch to annual billing');
    expect(html).toContain('href="http://localhost:3000/account"');
    const base = `${portal.url}/subscriptions/${subId}`;
    await post(`${base}/cancel`, {});
    expect((await h.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(true);
    html = await (await fetch(portal.url)).text();
    expect(html).toContain('Renew subscription');
    await post(`${base}/resume`, {});
    expect((await h.stripe.subscriptions.retrieve(subId)).cancel_at_period_end).toBe(false);
    await post(`${base}/switch`, {});
    let sub: Stripe.Subscription = await h.stripe.subscriptions.retrieve(subId);
    expect(sub.items.data[0]?.price.id).toBe(cat.annual.id);
    await post(`${base}/switch`, {});
    sub = await h.stripe.subscriptions.retrieve(subId);
    expect(sub.items.data[0]?.price.id).toBe(cat.monthly.id);
  });
});
