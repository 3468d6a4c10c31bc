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

async function typesSince(afterId: string | undefined, objectId?: string): Promise<string[]> {
  const all: Stripe.Event[] = [];
  for await (const e of h.stripe.events.list({ limit: 100 })) {
    if (e.id === afterId) break;
    if (objectId && (e.data.object as { id?: string }).id !== objectId) continue;
    all.push(e);
  }
  return all.reverse().map((e) => e.type);
}
const lastEventId = async () => (await h.stripe.events.list({ limit: 1 })).data[0]?.id;

async function subscribe(
  price: Stripe.Price,
  opts: Partial<Stripe.Checkout.SessionCreateParams> = {},
  card = '4242424242424242',
): Promise<Stripe.Subscription> {
  const s = await h.stripe.checkout.sessions.create({
    mode: 'subscription',
    line_items: [{ price: price.id, quantity: 1 }],
    customer_email: 'sub@example.com',
    ...urls,
    ...opts,
  });
  const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card });
  expect(done.status).toBe(200);
  return h.stripe.subscriptions.retrieve(done.json.subscription as string);
}

const invoiceSub = (inv: Stripe.Invoice) => inv.parent?.subscription_details?.subscription;

describe('subscription lifecycle', () => {
  it('checkout complete → customer, active subscription, first invoice paid, events', async () => {
    const before = await lastEventId();
    const s = await h.stripe.checkout.sessions.create({
      mode: 'subscription',
      line_items: [{ price: cat.monthly.id, quantity: 1 }],
      customer_email: 'first@example.com',
      subscription_data: { metadata: { package_id: 'professional_monthly' } },
      metadata: { user_id: 'u1' },
      ...urls,
    });
    await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card: '4242424242424242' });
    const session = await h.stripe.checkout.sessions.retrieve(s.id, {
      expand: ['subscription', 'customer', 'invoice'],
    });
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', payment_intent: null });
    const sub = session.subscription as Stripe.Subscription;
    expect(sub).toMatchObject({
      object: 'subscription',
      status: 'active',
      currency: 'usd',
      metadata: { package_id: 'professional_monthly' },
      cancel_at_period_end: false,
    });
    expect(sub.id).toMatch(/^sub_/);
    const item = sub.items.data[0]!;
    expect(item.id).toMatch(/^si_/);
    expect(item.price.id).toBe(cat.monthly.id);
    expect(item.current_period_end - item.current_period_start).toBeGreaterThanOrEqual(28 * 86400);
    expect((session.customer as Stripe.Customer).email).toBe('first@example.com');
    const inv = session.invoice as Stripe.Invoice;
    expect(inv).toMatchObject({
      object: 'invoice',
      status: 'paid',
      amount_paid: 1000,
      billing_reason: 'subscription_create',
    });
    expect(invoiceSub(inv)).toBe(sub.id);
    expect(inv.lines.data[0]).toMatchObject({
      object: 'line_item',
      amount: 1000,
      pricing: { price_details: { price: cat.monthly.id } },
    });
    expect(inv.lines.data[0]?.id).toMatch(/^il_/);
    const types = await typesSince(before);
    for (const t of [
      'customer.created',
      'customer.subscription.created',
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
      'payment_intent.succeeded',
      'charge.succeeded',
      'customer.subscription.updated',
      'checkout.session.completed',
    ]) {
      expect(types).toContain(t);
    }
    expect(types.at(-1)).toBe('checkout.session.completed');
    const withPayments = await h.stripe.invoices.retrieve(inv.id, { expand: ['payments'] });
    expect(withPayments.payments?.data[0]?.payment.payment_intent).toMatch(/^pi_/);
  });

  it('the checkout card is the default payment method, retrievable and expandable', async () => {
    const sub = await subscribe(cat.monthly);
    const expanded = await h.stripe.subscriptions.retrieve(sub.id, { expand: ['default_payment_method', 'customer'] });
    const pm = expanded.default_payment_method as Stripe.PaymentMethod;
    expect(pm).toMatchObject({
      object: 'payment_method',
      type: 'card',
      card: { last4: '4242', brand: 'visa' },
      customer: (expanded.customer as Stripe.Customer).id,
    });
    expect((expanded.customer as Stripe.Customer).invoice_settings.default_payment_method).toBe(pm.id);
    expect((await h.stripe.paymentMethods.retrieve(pm.id)).id).toBe(pm.id);
    const listed = await h.stripe.customers.listPaymentMethods((expanded.customer as Stripe.Customer).id);
    expect(listed.data.map((x) => x.id)).toEqual([pm.id]);
    const attached = await h.stripe.events.list({ type: 'payment_method.attached', limit: 5 });
    expect(attached.data.map((e) => (e.data.object as Stripe.PaymentMethod).id)).toContain(pm.id);
  });

  it('advance paid → new period and cycle invoice; failed → past_due + invoice.payment_failed; paid again → active', async () => {
    const sub = await subscribe(cat.monthly);
    const end1 = sub.items.data[0]!.current_period_end;
    let before = await lastEventId();
    const adv = await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, { outcome: 'paid' });
    expect(adv.status).toBe(200);
    expect(adv.json.items.data[0].current_period_start).toBe(end1);
    expect(await typesSince(before)).toEqual(
      expect.arrayContaining([
        'customer.subscription.updated',
        'invoice.created',
        'invoice.finalized',
        'invoice.paid',
        'invoice.payment_succeeded',
      ]),
    );
    const invoices = await h.stripe.invoices.list({ subscription: sub.id });
    expect(invoices.data.map((i) => i.billing_reason)).toEqual(['subscription_cycle', 'subscription_create']);

    before = await lastEventId();
    const failed = await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, { outcome: 'failed' });
    expect(failed.json.status).toBe('past_due');
    const types = await typesSince(before);
    expect(types).toContain('invoice.payment_failed');
    expect(types).toContain('payment_intent.payment_failed');
    const upd = await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 });
    expect(upd.data[0]?.data.previous_attributes).toMatchObject({ status: 'active' });
    const open = await h.stripe.invoices.list({ subscription: sub.id, status: 'open' });
    expect(open.data).toHaveLength(1);
    expect(open.data[0]?.attempt_count).toBe(1);

    const again = await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    expect(again.json.status).toBe('active');
  });

  it('invoices.pay retries a failed renewal: declined again, then paid → active', async () => {
    const sub = await subscribe(cat.monthly);
    await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, { outcome: 'failed' });
    const open = (await h.stripe.invoices.list({ subscription: sub.id, status: 'open' })).data[0]!;
    const paid = await h.stripe.invoices.pay(open.id);
    expect(paid).toMatchObject({ status: 'paid', attempt_count: 2 });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    await expect(h.stripe.invoices.pay(open.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('a card that declines later makes renewals fail without the outcome flag', async () => {
    const sub = await subscribe(cat.monthly, { subscription_data: { trial_period_days: 7 } }, '4000000000000341');
    expect(sub.status).toBe('trialing');
    const ended = await h.http('POST', `/_emulator/subscriptions/${sub.id}/end_trial`, {});
    expect(ended.json.status).toBe('past_due');
  });

  it('trial: trialing with a zero invoice, end_trial charges the first period', async () => {
    const sub = await subscribe(cat.monthly, { subscription_data: { trial_period_days: 14 } });
    expect(sub.status).toBe('trialing');
    expect(sub.trial_end! - sub.trial_start!).toBe(14 * 86400);
    const first = await h.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(first).toMatchObject({ amount_due: 0, status: 'paid' });
    const sessions = await h.stripe.checkout.sessions.list({ subscription: sub.id });
    expect(sessions.data[0]?.payment_status).toBe('no_payment_required');
    const ended = await h.http('POST', `/_emulator/subscriptions/${sub.id}/end_trial`, {});
    expect(ended.json.status).toBe('active');
    const inv = await h.stripe.invoices.retrieve(ended.json.latest_invoice);
    expect(inv).toMatchObject({ amount_paid: 1000, status: 'paid' });
  });

  it('cancel_at_period_end then advance → customer.subscription.deleted; resume clears it', async () => {
    const sub = await subscribe(cat.monthly);
    const c = await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(c.cancel_at_period_end).toBe(true);
    expect(c.cancel_at).toBe(sub.items.data[0]!.current_period_end);
    const r = await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: false });
    expect(r.cancel_at).toBeNull();
    await h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    const before = await lastEventId();
    const adv = await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    expect(adv.json.status).toBe('canceled');
    // The helper runs the shared clock, so other subscriptions of this file renew meanwhile.
    expect(await typesSince(before, sub.id)).toEqual(['customer.subscription.deleted']);
    const listed = await h.stripe.subscriptions.list({ customer: sub.customer as string });
    expect(listed.data.map((s) => s.id)).not.toContain(sub.id);
    const all = await h.stripe.subscriptions.list({ customer: sub.customer as string, status: 'all' });
    expect(all.data.map((s) => s.id)).toContain(sub.id);
  });

  it('cancel now → customer.subscription.deleted', async () => {
    const sub = await subscribe(cat.monthly);
    const canceled = await h.stripe.subscriptions.cancel(sub.id, { cancellation_details: { comment: 'bye' } });
    expect(canceled).toMatchObject({
      status: 'canceled',
      cancellation_details: { comment: 'bye', reason: 'cancellation_requested' },
    });
    const ev = await h.stripe.events.list({ type: 'customer.subscription.deleted', limit: 1 });
    expect((ev.data[0]?.data.object as Stripe.Subscription).id).toBe(sub.id);
    await expect(h.stripe.subscriptions.cancel(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('metadata update emits previous_attributes', async () => {
    const sub = await subscribe(cat.monthly);
    await h.stripe.subscriptions.update(sub.id, { metadata: { org: 'o1' } });
    const ev = await h.stripe.events.list({ type: 'customer.subscription.updated', limit: 1 });
    expect(ev.data[0]?.data.previous_attributes).toEqual({ metadata: {} });
  });
});

describe('items and proration', () => {
  it('add-on with always_invoice charges the prorated amount now; delete credits it', async () => {
    const sub = await subscribe(cat.monthly);
    // Half way through the period.
    const item = sub.items.data[0]!;
    await h.http('POST', '/_emulator/clock/advance', {
      seconds: Math.floor((item.current_period_end - item.current_period_start) / 2),
    });
    const before = await lastEventId();
    const addon = await h.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: cat.storage.id,
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
    });
    expect(addon.id).toMatch(/^si_/);
    expect(addon.current_period_end).toBe(item.current_period_end);
    const types = await typesSince(before);
    expect(types).toEqual(expect.arrayContaining(['invoice.created', 'invoice.paid', 'customer.subscription.updated']));
    const updated = await h.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    expect(updated.items.data).toHaveLength(2);
    const inv = updated.latest_invoice as Stripe.Invoice;
    expect(inv.billing_reason).toBe('subscription_update');
    expect(inv.amount_paid).toBeGreaterThanOrEqual(99);
    expect(inv.amount_paid).toBeLessThanOrEqual(101);
    expect(inv.lines.data[0]?.parent?.subscription_item_details?.proration).toBe(true);
    const listed = await h.stripe.subscriptionItems.list({ subscription: sub.id });
    expect(listed.data).toHaveLength(2);

    const del = await h.stripe.subscriptionItems.del(addon.id, { proration_behavior: 'always_invoice' });
    expect(del).toMatchObject({ id: addon.id, deleted: true });
    const after = await h.stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice', 'customer'] });
    expect(after.items.data).toHaveLength(1);
    expect((after.latest_invoice as Stripe.Invoice).total).toBeLessThan(0);
    expect((after.customer as Stripe.Customer).balance).toBeLessThan(0);
    await expect(h.stripe.subscriptionItems.del(item.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('error_if_incomplete with a failing card → card error and nothing added', async () => {
    const sub = await subscribe(cat.monthly, { subscription_data: { trial_period_days: 3 } }, '4000000000000341');
    await h.http('POST', `/_emulator/subscriptions/${sub.id}/end_trial`, {});
    await expect(
      h.stripe.subscriptionItems.create({
        subscription: sub.id,
        price: cat.storage.id,
        proration_behavior: 'always_invoice',
        payment_behavior: 'error_if_incomplete',
      }),
    ).rejects.toMatchObject({ type: 'StripeCardError', statusCode: 402, code: 'card_declined' });
    expect((await h.stripe.subscriptions.retrieve(sub.id)).items.data).toHaveLength(1);
  });

  it('classic billing refuses mixed intervals; flexible allows yearly plan + monthly add-on and advances to the earliest end', async () => {
    const classic = await subscribe(cat.annual, { subscription_data: { billing_mode: { type: 'classic' } } });
    await expect(
      h.stripe.subscriptionItems.create({ subscription: classic.id, price: cat.storage.id }),
    ).rejects.toMatchObject({ param: 'items' });
    const flex = await subscribe(cat.annual, { subscription_data: { billing_mode: { type: 'flexible' } } });
    expect(flex.billing_mode.type).toBe('flexible');
    const addon = await h.stripe.subscriptionItems.create({
      subscription: flex.id,
      price: cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    const yearEnd = flex.items.data[0]!.current_period_end;
    expect(addon.current_period_end).toBeLessThan(yearEnd);
    const adv = await h.http('POST', `/_emulator/subscriptions/${flex.id}/advance`, {});
    const items = adv.json.items.data as Stripe.SubscriptionItem[];
    expect(items.find((i) => i.id === addon.id)!.current_period_start).toBe(addon.current_period_end);
    expect(items.find((i) => i.price.id === cat.annual.id)!.current_period_end).toBe(yearEnd);
    const inv = await h.stripe.invoices.retrieve(adv.json.latest_invoice);
    expect(inv.amount_paid).toBe(200);
  });

  it('price change same interval prorates; monthly → annual bills the new period now', async () => {
    const sub = await subscribe(cat.monthly);
    const biz = await h.stripe.prices.create({
      product: 'professional',
      currency: 'usd',
      unit_amount: 1800,
      recurring: { interval: 'month' },
    });
    const item = sub.items.data[0]!;
    const up = await h.stripe.subscriptions.update(sub.id, {
      items: [{ id: item.id, price: biz.id }],
      proration_behavior: 'always_invoice',
    });
    expect(up.items.data[0]?.price.id).toBe(biz.id);
    const inv = await h.stripe.invoices.retrieve(up.latest_invoice as string);
    expect(inv.lines.data.map((l) => Math.sign(l.amount))).toEqual([-1, 1]);
    expect(inv.total).toBeGreaterThan(700);
    expect(inv.total).toBeLessThanOrEqual(800);

    const yearly = await h.stripe.subscriptions.update(sub.id, { items: [{ id: item.id, price: cat.annual.id }] });
    const yi = yearly.items.data[0]!;
    expect(yi.current_period_end - yi.current_period_start).toBeGreaterThanOrEqual(365 * 86400);
    const yinv = await h.stripe.invoices.retrieve(yearly.latest_invoice as string);
    expect(yinv.status).toBe('paid');
    expect(yinv.lines.data.some((l) => l.amount === 10000)).toBe(true);
  });

  it('create_prorations defers to the next renewal invoice', async () => {
    const sub = await subscribe(cat.monthly);
    await h.stripe.subscriptionItems.create({ subscription: sub.id, price: cat.storage.id });
    const s2 = await h.stripe.subscriptions.retrieve(sub.id);
    expect(s2.latest_invoice).toBe(sub.latest_invoice);
    const adv = await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    const inv = await h.stripe.invoices.retrieve(adv.json.latest_invoice);
    expect(inv.lines.data.filter((l) => l.parent?.subscription_item_details?.proration)).toHaveLength(1);
    expect(inv.total).toBeGreaterThan(1200);
  });
});

describe('refunds', () => {
  it('partial then full refund → charge.refunded with amount_refunded and refunded', async () => {
    const s = await h.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: cat.credits.id, quantity: 1 }],
      ...urls,
    });
    await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    const pi = (await h.stripe.checkout.sessions.retrieve(s.id)).payment_intent as string;
    const r1 = await h.stripe.refunds.create({ payment_intent: pi, amount: 200 });
    expect(r1).toMatchObject({ object: 'refund', amount: 200, status: 'succeeded', payment_intent: pi });
    expect(r1.id).toMatch(/^re_/);
    const ev = await h.stripe.events.list({ type: 'charge.refunded', limit: 1 });
    expect(ev.data[0]?.data.object).toMatchObject({ amount_refunded: 200, refunded: false });
    // Only what changed: a partial refund leaves `refunded` false.
    expect(ev.data[0]?.data.previous_attributes).toEqual({ amount_refunded: 0 });
    const charge = (await h.stripe.paymentIntents.retrieve(pi)).latest_charge as string;
    await expect(h.stripe.refunds.create({ charge, amount: 400 })).rejects.toMatchObject({ param: 'amount' });
    const r2 = await h.stripe.refunds.create({ charge });
    expect(r2.amount).toBe(300);
    expect((await h.stripe.charges.retrieve(charge)).refunded).toBe(true);
    expect((await h.stripe.refunds.retrieve(r1.id)).amount).toBe(200);
    await expect(h.stripe.refunds.create({ charge })).rejects.toMatchObject({ code: 'charge_already_refunded' });
    await expect(h.stripe.refunds.create({})).rejects.toMatchObject({ code: 'parameter_missing' });
  });
});

describe('billing portal sessions', () => {
  it('creates a bps_ session with a hosted url', async () => {
    const c = await h.stripe.customers.create({ email: 'portal@example.com' });
    const s = await h.stripe.billingPortal.sessions.create({
      customer: c.id,
      return_url: 'http://localhost:3000/account',
    });
    expect(s).toMatchObject({
      object: 'billing_portal.session',
      customer: c.id,
      return_url: 'http://localhost:3000/account',
    });
    expect(s.id).toMatch(/^bps_/);
    expect(s.url).toBe(`${h.emu.url}/portal/${s.id}`);
    await expect(h.stripe.billingPortal.sessions.create({ customer: 'cus_nope' })).rejects.toMatchObject({
      code: 'resource_missing',
      param: 'customer',
    });
  });
});

describe('remaining endpoints', () => {
  it('subscription item retrieve/update, invoice lines, refunds and charges lists, product delete, expand errors', async () => {
    const sub = await subscribe(cat.monthly);
    const item = sub.items.data[0]!;
    expect((await h.stripe.subscriptionItems.retrieve(item.id)).price.id).toBe(cat.monthly.id);
    const updated = await h.stripe.subscriptionItems.update(item.id, { quantity: 3, proration_behavior: 'none' });
    expect(updated.quantity).toBe(3);
    await expect(h.stripe.subscriptionItems.retrieve('si_missing')).rejects.toMatchObject({ code: 'resource_missing' });

    const lines = await h.stripe.invoices.listLineItems(sub.latest_invoice as string, { limit: 1 });
    expect(lines).toMatchObject({ object: 'list', has_more: false });
    expect(lines.data[0]?.subscription).toBe(sub.id);

    const listed = await h.stripe.subscriptions.list({
      customer: sub.customer as string,
      expand: ['data.latest_invoice'],
    });
    expect((listed.data[0]?.latest_invoice as Stripe.Invoice).object).toBe('invoice');
    const inv = await h.stripe.invoices.retrieve(sub.latest_invoice as string, {
      expand: ['parent.subscription_details.subscription'],
    });
    expect((inv.parent?.subscription_details?.subscription as Stripe.Subscription).id).toBe(sub.id);
    await expect(h.stripe.subscriptions.retrieve(sub.id, { expand: ['status'] })).rejects.toMatchObject({
      statusCode: 400,
      param: 'expand',
    });
    await expect(h.stripe.subscriptions.retrieve(sub.id, { expand: ['a.b.c.d.e'] })).rejects.toMatchObject({
      statusCode: 400,
    });

    const charges = await h.stripe.charges.list({ customer: sub.customer as string });
    expect(charges.data.length).toBeGreaterThan(0);
    const refund = await h.stripe.refunds.create({
      charge: charges.data[0]!.id,
      amount: 100,
      reason: 'requested_by_customer',
    });
    const refunds = await h.stripe.refunds.list({ charge: charges.data[0]!.id });
    expect(refunds.data.map((r) => r.id)).toEqual([refund.id]);
    const withRefunds = await h.stripe.charges.retrieve(charges.data[0]!.id, { expand: ['refunds'] });
    expect(withRefunds.refunds?.data[0]?.id).toBe(refund.id);

    const temp = await h.stripe.products.create({ name: 'Temporary' });
    expect(await h.stripe.products.del(temp.id)).toMatchObject({ id: temp.id, deleted: true });
    await expect(h.stripe.products.del('professional')).rejects.toMatchObject({ statusCode: 400 });

    const health = await h.http('GET', '/_emulator/health');
    expect(health.json).toEqual({ ok: true });
  });
});
