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

async function eventsSince(stripe: Stripe, afterId: string | undefined): Promise<Stripe.Event[]> {
  const all: Stripe.Event[] = [];
  for await (const e of stripe.events.list({ limit: 100 })) {
    if (e.id === afterId) break;
    all.push(e);
  }
  return all.reverse();
}
async function lastEventId(stripe: Stripe): Promise<string | undefined> {
  return (await stripe.events.list({ limit: 1 })).data[0]?.id;
}

describe('checkout sessions', () => {
  it('creates a payment-mode session, lists line items, expands, completes via helper', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id, quantity: 2 }],
      customer_email: 'buyer@example.com',
      client_reference_id: 'user_1',
      metadata: { package_id: 'credits_50' },
      payment_intent_data: { metadata: { package_id: 'credits_50' } },
      allow_promotion_codes: true,
      ...urls,
    });
    expect(s.id).toMatch(/^cs_test_/);
    expect(s).toMatchObject({
      object: 'checkout.session',
      mode: 'payment',
      status: 'open',
      payment_status: 'unpaid',
      currency: 'gbp',
      amount_total: 1000,
      amount_subtotal: 1000,
      client_reference_id: 'user_1',
      payment_intent: null,
    });
    expect(s.url).toBe(`${h.emu.url}/checkout/${s.id}`);
    expect(s.line_items).toBeUndefined();
    const items = await h.stripe.checkout.sessions.listLineItems(s.id);
    expect(items.data).toHaveLength(1);
    expect(items.data[0]).toMatchObject({
      object: 'item',
      quantity: 2,
      amount_total: 1000,
      currency: 'gbp',
      price: { id: cat.credits.id },
    });
    const expanded = await h.stripe.checkout.sessions.retrieve(s.id, {
      expand: ['line_items', 'line_items.data.price.product'],
    });
    expect(expanded.line_items?.data[0]?.price?.product).toMatchObject({ id: 'credits_50', object: 'product' });

    const before = await lastEventId(h.stripe);
    const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card: '4242424242424242' });
    expect(done.status).toBe(200);
    expect(done.json).toMatchObject({
      status: 'complete',
      payment_status: 'paid',
      customer: null,
      customer_details: { email: 'buyer@example.com' },
    });
    const types = (await eventsSince(h.stripe, before)).map((e) => e.type);
    expect(types).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);

    const full = await h.stripe.checkout.sessions.retrieve(s.id, {
      expand: ['payment_intent', 'payment_intent.latest_charge'],
    });
    const pi = full.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount: 1000,
      currency: 'gbp',
      metadata: { package_id: 'credits_50' },
    });
    expect((pi.latest_charge as Stripe.Charge).paid).toBe(true);
    expect((await h.stripe.paymentIntents.retrieve(pi.id)).id).toBe(pi.id);
    expect((await h.stripe.charges.retrieve((pi.latest_charge as Stripe.Charge).id)).amount).toBe(1000);

    const list = await h.stripe.checkout.sessions.list({ payment_intent: pi.id });
    expect(list.data.map((x) => x.id)).toEqual([s.id]);
  });

  it('declined card: 402 card_error, payment_intent.payment_failed, session stays open and retry succeeds', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id, quantity: 1 }],
      ...urls,
    });
    const declined = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {
      card: '4000000000000002',
    });
    expect(declined.status).toBe(402);
    expect(declined.json.error).toMatchObject({
      type: 'card_error',
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    });
    expect((await h.stripe.checkout.sessions.retrieve(s.id)).status).toBe('open');
    const failed = await h.stripe.events.list({ type: 'payment_intent.payment_failed', limit: 1 });
    expect((failed.data[0]?.data.object as Stripe.PaymentIntent).last_payment_error?.code).toBe('card_declined');
    const ok = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card: '4242 4242 4242 4242' });
    expect(ok.status).toBe(200);
    const done = await h.stripe.checkout.sessions.retrieve(s.id);
    expect(done.status).toBe('complete');
    // The retry reuses the session's PaymentIntent, as Stripe does.
    expect(done.payment_intent).toBe((failed.data[0]?.data.object as Stripe.PaymentIntent).id);
  });

  it('3-D Secure card: fail is an authentication failure, complete succeeds', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    const fail = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {
      card: '4000002500003155',
      three_d_secure: 'fail',
    });
    expect(fail.status).toBe(402);
    expect(fail.json.error.code).toBe('payment_intent_authentication_failure');
    const ok = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {
      card: '4000002500003155',
      three_d_secure: 'complete',
    });
    expect(ok.json.status).toBe('complete');
  });

  it('uses the price currency option for currency=gbp', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      currency: 'gbp',
      line_items: [{ price: cat.monthly.id, quantity: 1 }],
      ...urls,
    });
    expect(s).toMatchObject({ currency: 'gbp', amount_total: 800 });
    await expect(
      h.stripe.checkout.sessions.create({
        mode: 'subscription',
        currency: 'eur',
        line_items: [{ price: cat.monthly.id, quantity: 1 }],
        ...urls,
      }),
    ).rejects.toMatchObject({ param: 'line_items[0][price]' });
  });

  it('validates params', async () => {
    await expect(
      h.stripe.checkout.sessions.create({
        line_items: [{ price: cat.credits.id }],
        ...urls,
      } as Stripe.Checkout.SessionCreateParams),
    ).rejects.toMatchObject({ code: 'parameter_missing', param: 'mode' });
    await expect(h.stripe.checkout.sessions.create({ mode: 'payment', ...urls })).rejects.toMatchObject({
      code: 'parameter_missing',
      param: 'line_items',
    });
    await expect(
      h.stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: cat.monthly.id }], ...urls }),
    ).rejects.toMatchObject({ param: 'line_items[0][price]' });
    await expect(
      h.stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_missing' }], ...urls }),
    ).rejects.toMatchObject({ code: 'resource_missing', param: 'line_items[0][price]' });
    await expect(
      h.stripe.checkout.sessions.create({ mode: 'bogus' as 'payment', line_items: [{ price: cat.credits.id }] }),
    ).rejects.toMatchObject({ code: 'parameter_invalid', param: 'mode' });
    await expect(h.stripe.checkout.sessions.retrieve('cs_test_missing')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
  });

  it('expires (API and clock) with checkout.session.expired', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    const expired = await h.stripe.checkout.sessions.expire(s.id);
    expect(expired.status).toBe('expired');
    await expect(h.stripe.checkout.sessions.expire(s.id)).rejects.toMatchObject({ statusCode: 400 });
    const late = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      ...urls,
    });
    const clock = await h.http('POST', '/_emulator/clock/advance', { seconds: 7200 });
    expect(clock.status).toBe(200);
    expect((await h.stripe.checkout.sessions.retrieve(late.id)).status).toBe('expired');
    const ev = await h.stripe.events.list({ type: 'checkout.session.expired' });
    expect(ev.data.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([late.id, s.id]);
    const blocked = await h.http('POST', `/_emulator/checkout/sessions/${late.id}/complete`, {});
    expect(blocked.status).toBe(400);
  });
});

describe('trial without a card', () => {
  it('payment_method_collection=if_required lets a trial start without a card; the trial end then fails to pay', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      subscription_data: { trial_period_days: 7 },
      payment_method_collection: 'if_required',
      customer_email: 'nocard@example.com',
      ...urls,
    });
    const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card: '' });
    expect(done.status).toBe(200);
    const sub = await h.stripe.subscriptions.retrieve(done.json.subscription);
    expect(sub).toMatchObject({ status: 'trialing', default_payment_method: null });
    const ended = await h.http('POST', `/_emulator/subscriptions/${sub.id}/end_trial`, {});
    expect(ended.json.status).toBe('past_due');
  });
});
