import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { WEBHOOK_SECRET, seedCatalog, startHarness, startReceiver } from './harness';

const verifier = new Stripe('sk_test_unused');
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(opts: Parameters<typeof startHarness>[0] = {}, fail?: Parameters<typeof startReceiver>[0]) {
  const rx = await startReceiver(fail);
  const h = await startHarness({ webhookUrls: [rx.url], webhookSecret: WEBHOOK_SECRET, ...opts });
  cleanups.push(
    () => h.close(),
    () => rx.close(),
  );
  return { h, rx };
}

const urls = { success_url: 'http://localhost:3000/s?id={CHECKOUT_SESSION_ID}', cancel_url: 'http://localhost:3000/c' };

describe('webhook delivery', () => {
  it('signs each delivery so stripe.webhooks.constructEvent verifies it', async () => {
    const { h, rx } = await setup();
    const c = await h.stripe.customers.create({ email: 'w@example.com' });
    await h.emu.flushWebhooks();
    expect(rx.received).toHaveLength(1);
    const got = rx.received[0]!;
    const event = verifier.webhooks.constructEvent(got.body, got.headers['stripe-signature'] as string, WEBHOOK_SECRET);
    expect(event).toMatchObject({
      type: 'customer.created',
      object: 'event',
      api_version: '2026-10-28.endive',
      livemode: false,
      pending_webhooks: 1,
    });
    expect((event.data.object as Stripe.Customer).id).toBe(c.id);
    expect(event.request?.id).toMatch(/^req_/);
    expect(() =>
      verifier.webhooks.constructEvent(got.body, got.headers['stripe-signature'] as string, 'whsec_wrong'),
    ).toThrow();
    expect((await h.stripe.events.retrieve(event.id)).id).toBe(event.id);
  });

  it('sends only the enabled event types, as a Stripe endpoint does, and keeps every event', async () => {
    const { h, rx } = await setup({ enabledEvents: ['customer.created'] });
    await h.stripe.products.create({ id: 'prod_filtered', name: 'Filtered' });
    const c = await h.stripe.customers.create({ email: 'only@example.com' });
    await h.emu.flushWebhooks();
    expect(rx.received.map((r) => r.event.type)).toEqual(['customer.created']);
    expect((rx.received[0]!.event.data.object as Stripe.Customer).id).toBe(c.id);
    const all = await h.stripe.events.list({ limit: 10 });
    expect(all.data.map((e) => e.type).sort()).toEqual(['customer.created', 'product.created']);
    expect(all.data.find((e) => e.type === 'product.created')!.pending_webhooks).toBe(0);
  });

  it('delivers a purchase in order in auto mode', async () => {
    const { h, rx } = await setup();
    const cat = await seedCatalog(h.stripe);
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id }],
      ...urls,
    });
    await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    await h.emu.flushWebhooks();
    const types = rx.received
      .map((r) => r.event.type)
      .filter((t) => !t.startsWith('product.') && !t.startsWith('price.'));
    expect(types).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'checkout.session.completed',
    ]);
  });

  it('retries after a 500 until it succeeds, recording attempts', async () => {
    const { h, rx } = await setup({ retryBaseMs: 5 }, (n) => n <= 2);
    await h.stripe.customers.create({ email: 'retry@example.com' });
    await h.emu.flushWebhooks();
    expect(rx.received.map((r) => r.event.type)).toEqual(['customer.created']);
    const deliveries = await h.http('GET', '/_emulator/webhooks/deliveries');
    expect(deliveries.json.data.map((d: { status: number }) => d.status)).toEqual([500, 500, 200]);
    expect(deliveries.json.data.map((d: { attempt: number }) => d.attempt)).toEqual([1, 2, 3]);
  });

  it('retries when the endpoint is down, then delivers once it is back', async () => {
    const rx = await startReceiver();
    const h = await startHarness({
      webhookUrls: ['http://127.0.0.1:9/down'],
      webhookSecret: WEBHOOK_SECRET,
      retryBaseMs: 5,
      maxAttempts: 3,
    });
    cleanups.push(
      () => h.close(),
      () => rx.close(),
    );
    await h.stripe.customers.create({ email: 'down@example.com' });
    await h.emu.flushWebhooks();
    const d = await h.http('GET', '/_emulator/webhooks/deliveries');
    expect(d.json.data).toHaveLength(3);
    expect(d.json.data[0].status).toBeNull();
    await h.http('POST', '/_emulator/webhooks/endpoints', { urls: [rx.url] });
    await h.stripe.customers.create({ email: 'up@example.com' });
    await h.emu.flushWebhooks();
    expect(rx.received).toHaveLength(1);
  });

  it('chaos mode delivers every event twice and shuffles batches', async () => {
    const { h, rx } = await setup({ chaos: true });
    const cat = await seedCatalog(h.stripe);
    await h.emu.flushWebhooks();
    rx.received.length = 0;
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      customer_email: 'x@example.com',
      ...urls,
    });
    await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    await h.emu.flushWebhooks();
    const ids = rx.received.map((r) => r.event.id);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
    const emitted = (await h.stripe.events.list({ limit: 100 })).data
      .filter((e) => counts.has(e.id))
      .reverse()
      .map((e) => e.id);
    const firstSeen = [...new Set(ids)];
    expect(firstSeen).toHaveLength(emitted.length);
    // With ~15 events, the chance a shuffle keeps creation order is negligible.
    expect(firstSeen).not.toEqual(emitted);
  });

  it('manual mode queues events until flushed in the chosen order, duplicated on request', async () => {
    const { h, rx } = await setup({ deliveryMode: 'manual' });
    const a = await h.stripe.customers.create({ email: 'a@example.com' });
    const b = await h.stripe.customers.create({ email: 'b@example.com' });
    expect(h.emu.pendingEvents().map((e) => (e.data.object as Stripe.Customer).id)).toEqual([a.id, b.id]);
    const pending = await h.http('GET', '/_emulator/webhooks/pending');
    expect(pending.json.data).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 30));
    expect(rx.received).toHaveLength(0);
    await h.emu.flushWebhooks({ order: 'reverse' });
    expect(rx.received.map((r) => (r.event.data.object as Stripe.Customer).id)).toEqual([b.id, a.id]);
    expect(h.emu.pendingEvents()).toHaveLength(0);
    await h.stripe.customers.create({ email: 'c@example.com' });
    const flushed = await h.http('POST', '/_emulator/webhooks/flush', { order: 'fifo', duplicate: true });
    expect(flushed.status).toBe(200);
    expect(rx.received.slice(2).map((r) => r.event.type)).toEqual(['customer.created', 'customer.created']);
  });

  it('setWebhookUrls switches endpoints', async () => {
    const { h, rx } = await setup();
    const rx2 = await startReceiver();
    cleanups.push(() => rx2.close());
    h.emu.setWebhookUrls([rx2.url]);
    await h.stripe.customers.create({});
    await h.emu.flushWebhooks();
    expect(rx.received).toHaveLength(0);
    expect(rx2.received).toHaveLength(1);
  });
});

describe('persistence, clock and reset', () => {
  it('saves to dataFile and reloads on restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stripe-emu-'));
    const dataFile = join(dir, 'nested', 'state.json');
    const h1 = await startHarness({ dataFile });
    const cat = await seedCatalog(h1.stripe);
    const s = await h1.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      customer_email: 'p@example.com',
      ...urls,
    });
    await h1.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    await h1.http('POST', '/_emulator/clock/advance', { seconds: 3600 });
    const clock1 = (await h1.http('GET', '/_emulator/clock')).json;
    await h1.close();
    expect(existsSync(dataFile)).toBe(true);
    expect(JSON.parse(readFileSync(dataFile, 'utf8')).version).toBe(1);

    const h2 = await startHarness({ dataFile });
    cleanups.push(() => h2.close());
    const again = await h2.stripe.checkout.sessions.retrieve(s.id);
    expect(again.status).toBe('complete');
    const sub = await h2.stripe.subscriptions.retrieve(again.subscription as string);
    expect(sub.status).toBe('active');
    expect((await h2.stripe.prices.list({ lookup_keys: ['professional_monthly'] })).data).toHaveLength(1);
    expect((await h2.http('GET', '/_emulator/clock')).json.offset_seconds).toBe(clock1.offset_seconds);
    // The saved default card still pays renewals after a restart.
    const adv = await h2.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    expect(adv.json.status).toBe('active');
  });

  it('redelivers events that were still undelivered when the emulator stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stripe-emu-'));
    const dataFile = join(dir, 'state.json');
    const h1 = await startHarness({ dataFile, deliveryMode: 'manual', webhookUrls: ['http://127.0.0.1:9/nowhere'] });
    const c = await h1.stripe.customers.create({ email: 'later@example.com' });
    await h1.close();
    const rx = await startReceiver();
    const h2 = await startHarness({ dataFile, webhookUrls: [rx.url], webhookSecret: WEBHOOK_SECRET });
    cleanups.push(
      () => h2.close(),
      () => rx.close(),
    );
    await h2.emu.flushWebhooks();
    expect(rx.received.map((r) => (r.event.data.object as Stripe.Customer).id)).toEqual([c.id]);
  });

  it('clock advance renews due subscriptions like a test clock', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    const cat = await seedCatalog(h.stripe);
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      customer_email: 'clk@example.com',
      ...urls,
    });
    const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    await h.http('POST', '/_emulator/clock/advance', { seconds: 95 * 86400 });
    const invoices = await h.stripe.invoices.list({ subscription: done.json.subscription });
    expect(invoices.data.filter((i) => i.billing_reason === 'subscription_cycle')).toHaveLength(3);
    const now = (await h.http('GET', '/_emulator/clock')).json.now;
    const sub = await h.stripe.subscriptions.retrieve(done.json.subscription);
    expect(sub.items.data[0]!.current_period_end).toBeGreaterThan(now);
  });

  it('Stripe test clock API shape advances the shared clock', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    const cat = await seedCatalog(h.stripe);
    const now = (await h.http('GET', '/_emulator/clock')).json.now as number;
    const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: now, name: 'renewals' });
    expect(clock).toMatchObject({ object: 'test_helpers.test_clock', status: 'ready', frozen_time: now });
    expect(clock.id).toMatch(/^clock_/);
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id }],
      customer_email: 'tc@example.com',
      ...urls,
    });
    const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    const advanced = await h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now + 35 * 86400 });
    expect(advanced.frozen_time).toBe(now + 35 * 86400);
    const invoices = await h.stripe.invoices.list({ subscription: done.json.subscription });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);
    await expect(h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: now })).rejects.toMatchObject({
      param: 'frozen_time',
    });
    expect((await h.stripe.testHelpers.testClocks.list()).data).toHaveLength(1);
    expect(await h.stripe.testHelpers.testClocks.del(clock.id)).toMatchObject({ deleted: true });
  });

  it('reset empties everything', async () => {
    const h = await startHarness();
    cleanups.push(() => h.close());
    await h.stripe.customers.create({ email: 'r@example.com' });
    expect((await h.http('POST', '/_emulator/reset', {})).status).toBe(200);
    expect((await h.stripe.customers.list()).data).toHaveLength(0);
    expect((await h.stripe.events.list()).data).toHaveLength(0);
  });
});
