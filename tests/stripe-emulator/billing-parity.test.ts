import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import type { StripeEmulatorOptions } from '../../stripe-emulator/server';
import { seedCatalog, startHarness, type Harness } from './harness';

/**
 * The local Stripe's billing arithmetic against Stripe's documented behaviour (issue 15). Every test
 * runs its own emulator on a fixed base clock, moved only through a test clock, so dates are exact.
 * Each states the figure or transition Stripe documents and where.
 */

const DAY = 86_400;
const at = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const iso = (ts: number) => new Date(ts * 1000).toISOString().slice(0, 10);

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

interface World {
  h: Harness;
  stripe: Stripe;
  cat: Awaited<ReturnType<typeof seedCatalog>>;
  business: Stripe.Price;
  /** A GBP-first add-on with a USD option: 200 GBP / 300 USD a month. */
  gbpAddon: Stripe.Price;
  subscribe(
    price: Stripe.Price,
    opts?: Partial<Stripe.Checkout.SessionCreateParams>,
    card?: string,
  ): Promise<Stripe.Subscription>;
  now(): Promise<number>;
  advanceTo(ts: number): Promise<void>;
  advanceBy(seconds: number): Promise<void>;
  eventsFor(id: string, type?: string): Promise<Stripe.Event[]>;
}

async function world(startIso: string, opts: StripeEmulatorOptions = {}): Promise<World> {
  const base = Date.parse(startIso);
  const h = await startHarness({ now: () => base, ...opts });
  open.push(h);
  const stripe = h.stripe;
  const cat = await seedCatalog(stripe);
  const business = await stripe.prices.create({
    product: 'professional',
    currency: 'usd',
    unit_amount: 1800,
    recurring: { interval: 'month' },
    currency_options: { gbp: { unit_amount: 1500 } },
  });
  const supportProduct = await stripe.products.create({ id: 'addon_priority_support', name: 'Priority Support' });
  const gbpAddon = await stripe.prices.create({
    product: supportProduct.id,
    currency: 'gbp',
    unit_amount: 200,
    recurring: { interval: 'month' },
    currency_options: { usd: { unit_amount: 300 } },
  });
  const clock = await stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(base / 1000) });
  const now = async () => ((await h.http('GET', '/_emulator/clock')).json as { now: number }).now;
  const advanceTo = async (ts: number) => {
    await stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: ts });
  };
  return {
    h,
    stripe,
    cat,
    business,
    gbpAddon,
    async subscribe(price, sessionOpts = {}, card = '4242424242424242') {
      const s = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: price.id, quantity: 1 }],
        success_url: 'http://localhost:3000/ok',
        cancel_url: 'http://localhost:3000/cancel',
        ...(sessionOpts.customer ? {} : { customer_email: 'parity@example.com' }),
        ...sessionOpts,
      });
      const done = await h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, { card });
      expect(done.status).toBe(200);
      return stripe.subscriptions.retrieve(done.json.subscription as string);
    },
    now,
    advanceTo,
    advanceBy: async (seconds) => advanceTo((await now()) + seconds),
    async eventsFor(id, type) {
      const out: Stripe.Event[] = [];
      for await (const e of stripe.events.list({ limit: 100, ...(type ? { type } : {}) })) {
        if ((e.data.object as { id?: string }).id === id) out.push(e);
      }
      return out.reverse();
    },
  };
}

const latestInvoice = async (w: World, subId: string) =>
  w.stripe.invoices.retrieve((await w.stripe.subscriptions.retrieve(subId)).latest_invoice as string);

const prorationLines = (inv: Stripe.Invoice) =>
  inv.lines.data.filter((l) => l.parent?.subscription_item_details?.proration);

describe('1. presentment currency on subscriptions', () => {
  // docs.stripe.com/payments/checkout/localize-prices/manual-currency-prices (paraphrased): a price
  // defined in several currencies (`currency_options`) charges the amount set for the currency the
  // customer pays in; a subscription has one currency, so every invoice of it uses that amount.
  it('a GBP checkout of a 1000 USD / 800 GBP plan charges 800 GBP at creation and on renewal', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const s = await w.stripe.checkout.sessions.create({
      mode: 'subscription',
      currency: 'gbp',
      line_items: [{ price: w.cat.monthly.id, quantity: 1 }],
      customer_email: 'gbp@example.com',
      success_url: 'http://localhost:3000/ok',
      cancel_url: 'http://localhost:3000/cancel',
    });
    expect(s.amount_total).toBe(800);
    const done = await w.h.http('POST', `/_emulator/checkout/sessions/${s.id}/complete`, {});
    const sub = await w.stripe.subscriptions.retrieve(done.json.subscription as string);
    expect(sub.currency).toBe('gbp');
    const first = await w.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(first).toMatchObject({ currency: 'gbp', amount_paid: 800, status: 'paid' });
    await w.advanceTo(sub.items.data[0]!.current_period_end + 3600);
    const renewal = await latestInvoice(w, sub.id);
    expect(renewal).toMatchObject({ billing_reason: 'subscription_cycle', amount_paid: 800, currency: 'gbp' });
  });

  it('an annual switch of a GBP subscription bills 8000 GBP less the unused 800 GBP', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly, { currency: 'gbp' });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.cat.annual.id }],
    });
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(inv.currency).toBe('gbp');
    expect(inv.lines.data.map((l) => l.amount).sort((a, b) => a - b)).toEqual([-800, 8000]);
    expect(inv.amount_paid).toBe(7200);
  });

  it('a GBP-default add-on (200 GBP / 300 USD) on a USD subscription is charged 300 USD', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.gbpAddon.id,
      proration_behavior: 'always_invoice',
    });
    const inv = await latestInvoice(w, sub.id);
    expect(inv).toMatchObject({ currency: 'usd', amount_paid: 300 });
    await w.advanceTo(sub.items.data[0]!.current_period_end + 3600);
    expect((await latestInvoice(w, sub.id)).amount_paid).toBe(1000 + 300);
  });
});

describe('2. month-end billing cycle anchors', () => {
  // docs.stripe.com/billing/subscriptions/billing-cycle: "A monthly subscription with a billing cycle
  // anchor date of January 31 bills the last day of the month closest to the anchor date, so
  // February 28 (or February 29 in a leap year), then March 31, April 30, and so on."
  it('Jan 31 renews Feb 28, Mar 31, Apr 30, May 31', async () => {
    const w = await world('2027-01-31T12:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    const ends: string[] = [iso(sub.items.data[0]!.current_period_end)];
    for (let i = 0; i < 3; i++) {
      const r = await w.h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
      ends.push(iso(r.json.items.data[0].current_period_end));
    }
    expect(ends).toEqual(['2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
  });

  it('in a leap year Jan 31 renews Feb 29, then Mar 31', async () => {
    const w = await world('2028-01-31T12:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    expect(iso(sub.items.data[0]!.current_period_end)).toBe('2028-02-29');
    await w.advanceTo(at('2028-03-01T00:00:00Z'));
    const renewed = await w.stripe.subscriptions.retrieve(sub.id);
    expect(iso(renewed.items.data[0]!.current_period_end)).toBe('2028-03-31');
  });
  it('an annual plan anchored on Feb 29 renews Feb 28 2029, Feb 28 2030, Feb 28 2031, Feb 29 2032', async () => {
    const w = await world('2028-02-29T09:00:00Z');
    const sub = await w.subscribe(w.cat.annual);
    const ends = [iso(sub.items.data[0]!.current_period_end)];
    for (let k = 0; k < 3; k++) {
      const r = await w.h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
      ends.push(iso(r.json.items.data[0].current_period_end));
    }
    expect(ends).toEqual(['2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29']);
  });
});

describe('3. pending prorations are swept onto the next invoice', () => {
  // docs.stripe.com/api/invoices/create: "The draft invoice created pulls in all pending invoice
  // items on that customer, including prorations." create_prorations leaves prorations pending
  // (docs.stripe.com/billing/subscriptions/prorations), so the next invoice carries them.
  it('a create_prorations removal (-100) rides on the next always_invoice change', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    const addon = await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    await w.advanceBy(15.5 * DAY); // half of January's 31 days
    await w.stripe.subscriptionItems.del(addon.id, { proration_behavior: 'create_prorations' });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.business.id }],
      proration_behavior: 'always_invoice',
    });
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    // -100 (storage, half unused) swept in, -500 (old plan), +900 (new plan for half a month).
    expect(prorationLines(inv).map((l) => l.amount)).toEqual([-100, -500, 900]);
    expect(inv.amount_paid).toBe(300);
    await w.advanceTo(updated.items.data[0]!.current_period_end + 3600);
    const renewal = await latestInvoice(w, sub.id);
    expect(prorationLines(renewal)).toHaveLength(0);
    expect(renewal.amount_paid).toBe(1800);
  });
});

describe('4. interval changes re-anchor', () => {
  // docs.stripe.com/billing/subscriptions/upgrade-downgrade ("Billing periods", paraphrased; the
  // wording was not re-found through the search tool): prices with different billing periods bill
  // the new price at the new interval starting on the day of the change, i.e. the anchor is reset
  // to the change time and the new period invoiced at once, with credit for the unused time.
  it('monthly → annual half way: anchor = change time, -500 + 10000 = 9500 charged now', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(15.5 * DAY);
    const changeTime = await w.now();
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.cat.annual.id }],
    });
    expect(updated.billing_cycle_anchor).toBe(changeTime);
    expect(updated.items.data[0]).toMatchObject({
      current_period_start: changeTime,
      current_period_end: changeTime + 365 * DAY,
    });
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(inv.lines.data.map((l) => l.amount)).toEqual([-500, 10000]);
    expect(inv).toMatchObject({ amount_paid: 9500, status: 'paid' });
  });
});

describe('5. failed renewals are retried, then the subscription ends', () => {
  // Subscription statuses (docs.stripe.com/billing/subscriptions/overview#subscription-statuses):
  // past_due when a renewal payment fails; "Once Stripe has exhausted all payment retry attempts,
  // the subscription will become canceled or unpaid (depending on your subscriptions settings)".
  // invoice.payment_failed is sent for each failed attempt with its attempt_count
  // (docs.stripe.com/billing/subscriptions/webhooks#payment-failures). Smart Retries' schedule is
  // Stripe's own; here it is configurable, default days 3, 5 and 7 after the first attempt.
  async function failingRenewal(w: World) {
    // 4000 0000 0000 0341 attaches fine but every charge fails (docs.stripe.com/testing#declined-payments).
    const sub = await w.subscribe(w.cat.monthly, { subscription_data: { trial_period_days: 7 } }, '4000000000000341');
    await w.advanceTo(sub.trial_end! + 3600);
    const inv = await latestInvoice(w, sub.id);
    return { sub, inv };
  }

  it('retries on days 3, 5 and 7, then cancels with customer.subscription.deleted', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const { sub, inv } = await failingRenewal(w);
    expect(inv).toMatchObject({ status: 'open', attempt_count: 1 });
    const first = inv.status_transitions.finalized_at!;
    expect(inv.next_payment_attempt).toBe(first + 3 * DAY);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');
    await w.advanceTo(first + 8 * DAY);
    const failures = await w.eventsFor(inv.id, 'invoice.payment_failed');
    expect(failures.map((e) => (e.data.object as Stripe.Invoice).attempt_count)).toEqual([1, 2, 3, 4]);
    expect(failures.map((e) => e.created - first)).toEqual([0, 3 * DAY, 5 * DAY, 7 * DAY]);
    expect(failures.map((e) => (e.data.object as Stripe.Invoice).next_payment_attempt)).toEqual([
      first + 3 * DAY,
      first + 5 * DAY,
      first + 7 * DAY,
      null,
    ]);
    const ended = await w.stripe.subscriptions.retrieve(sub.id);
    expect(ended).toMatchObject({ status: 'canceled', cancellation_details: { reason: 'payment_failed' } });
    expect((await w.eventsFor(sub.id, 'customer.subscription.deleted')).length).toBe(1);
    // Nothing keeps charging a canceled subscription's invoice.
    await w.advanceBy(40 * DAY);
    expect((await w.stripe.invoices.retrieve(inv.id)).attempt_count).toBe(4);
    expect((await w.stripe.invoices.list({ subscription: sub.id, status: 'open' })).data).toHaveLength(1);
  });

  it('with a configured schedule [1] and outcome unpaid: one retry, then status unpaid', async () => {
    const w = await world('2027-01-01T00:00:00Z', { billing: { retryDays: [1], afterFinalFailure: 'unpaid' } });
    const { sub, inv } = await failingRenewal(w);
    await w.advanceBy(2 * DAY);
    expect((await w.stripe.invoices.retrieve(inv.id)).attempt_count).toBe(2);
    const updated = await w.eventsFor(sub.id, 'customer.subscription.updated');
    expect(updated.at(-1)?.data).toMatchObject({
      object: { status: 'unpaid' },
      previous_attributes: { status: 'past_due' },
    });
  });

  it('a retry after the customer saved a new card pays: invoice.paid and active again', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const { sub, inv } = await failingRenewal(w);
    const pack = await w.stripe.checkout.sessions.create({
      mode: 'payment',
      customer: sub.customer as string,
      line_items: [{ price: w.cat.credits.id, quantity: 1 }],
      success_url: 'http://localhost:3000/ok',
      cancel_url: 'http://localhost:3000/cancel',
    });
    await w.h.http('POST', `/_emulator/checkout/sessions/${pack.id}/complete`, { card: '4242424242424242' });
    await w.advanceTo(inv.status_transitions.finalized_at! + 3 * DAY);
    expect(await w.stripe.invoices.retrieve(inv.id)).toMatchObject({
      status: 'paid',
      attempt_count: 2,
      next_payment_attempt: null,
    });
    expect((await w.eventsFor(inv.id, 'invoice.paid')).length).toBe(1);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
  });
});

describe('6. renewal invoices are drafts finalized about an hour later', () => {
  // docs.stripe.com/api/invoices: "finalizing the invoice, when automatic, does not happen
  // immediately as the invoice is created. Stripe waits until one hour after the last webhook was
  // successfully sent"; automatic advancement "automatically finalizes draft invoices after one hour".
  it('invoice.created at the period end; invoice.finalized and the charge one hour later', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    const end = sub.items.data[0]!.current_period_end;
    await w.advanceTo(end);
    const draft = await latestInvoice(w, sub.id);
    expect(draft).toMatchObject({
      status: 'draft',
      billing_reason: 'subscription_cycle',
      created: end,
      automatically_finalizes_at: end + 3600,
      amount_paid: 0,
    });
    expect((await w.eventsFor(draft.id)).map((e) => e.type)).toEqual(['invoice.created']);
    await w.advanceTo(end + 3599);
    expect((await w.stripe.invoices.retrieve(draft.id)).status).toBe('draft');
    await w.advanceTo(end + 3600);
    const paid = await w.stripe.invoices.retrieve(draft.id);
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1000 });
    expect(paid.status_transitions.finalized_at).toBe(end + 3600);
    expect((await w.eventsFor(draft.id)).map((e) => e.type)).toEqual([
      'invoice.created',
      'invoice.finalized',
      'invoice.paid',
      'invoice.payment_succeeded',
    ]);
  });
});

describe('7. parameters are honoured, never silently ignored', () => {
  // stripe package doc of SubscriptionUpdateParams.proration_date (this API version): "prorations will
  // be calculated as though the subscription was updated at the given time".
  it('proration_date = period start prorates the whole month: -1000 + 1800', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(15.5 * DAY);
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.business.id }],
      proration_behavior: 'always_invoice',
      proration_date: sub.items.data[0]!.current_period_start,
    });
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(inv.lines.data.map((l) => l.amount)).toEqual([-1000, 1800]);
    await expect(
      w.stripe.subscriptions.update(sub.id, { proration_date: (await w.now()) + DAY, metadata: { a: 'b' } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'proration_date' });
  });

  // The stripe package's own parameter doc (SubscriptionUpdateParams.billing_cycle_anchor, this API
  // version): "Set `type` to `now` to reset the billing cycle anchor to the current time (in UTC),
  // or `unchanged` to preserve it." A reset bills a new full period now with credit for unused time
  // (docs.stripe.com/billing/subscriptions/billing-cycle, paraphrased).
  it('billing_cycle_anchor=now: new period from now, -500 + 1000 invoiced; unchanged with an interval change is refused', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(15.5 * DAY);
    const now = await w.now();
    const updated = await w.stripe.subscriptions.update(sub.id, { billing_cycle_anchor: { type: 'now' } });
    expect(updated.billing_cycle_anchor).toBe(now);
    expect(updated.items.data[0]!.current_period_start).toBe(now);
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(inv.lines.data.map((l) => l.amount)).toEqual([-500, 1000]);
    await expect(
      w.stripe.subscriptions.update(sub.id, {
        billing_cycle_anchor: { type: 'unchanged' },
        items: [{ id: sub.items.data[0]!.id, price: w.cat.annual.id }],
      }),
    ).rejects.toMatchObject({
      statusCode: 400,
      param: 'billing_cycle_anchor',
      message: expect.stringContaining('local Stripe'),
    });
  });

  // docs.stripe.com/api/subscriptions/cancel: `prorate` "will generate a proration invoice item that
  // credits remaining unused time"; `invoice_now` "will generate a final invoice that invoices for
  // any un-invoiced metered usage and new/pending proration invoice items".
  it('cancel with invoice_now + prorate issues a final -500 invoice that becomes customer credit', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(15.5 * DAY);
    await w.stripe.subscriptions.cancel(sub.id, { invoice_now: true, prorate: true });
    const final = await latestInvoice(w, sub.id);
    expect(final.total).toBe(-500);
    expect(final.amount_due).toBe(0);
    expect((await w.stripe.customers.retrieve(sub.customer as string)) as Stripe.Customer).toMatchObject({
      balance: -500,
    });
  });

  it('cancel with prorate alone leaves the -500 credit pending for the customer’s next invoice', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(15.5 * DAY);
    const before = sub.latest_invoice;
    await w.stripe.subscriptions.cancel(sub.id, { prorate: true });
    expect((await w.stripe.subscriptions.retrieve(sub.id)).latest_invoice).toBe(before);
    const again = await w.subscribe(w.cat.monthly, { customer: sub.customer as string });
    const first = await w.stripe.invoices.retrieve(again.latest_invoice as string);
    expect(first.lines.data.map((l) => l.amount)).toEqual([1000, -500]);
    expect(first.amount_paid).toBe(500);
  });

  // docs.stripe.com/billing/customer/balance: "credits reduce the amount due, while debits increase
  // it"; the balance "automatically applies toward the next invoice finalized to a customer".
  it('customer balance: a 300 debit set through the API is added to the first invoice (1300 due)', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const customer = await w.stripe.customers.create({ email: 'owes@example.com', balance: 100 });
    const updated = await w.stripe.customers.update(customer.id, { balance: 300 });
    expect(updated.balance).toBe(300);
    const ev = await w.eventsFor(customer.id, 'customer.updated');
    expect(ev.at(-1)?.data.previous_attributes).toEqual({ balance: 100 });
    const sub = await w.subscribe(w.cat.monthly, { customer: customer.id });
    const inv = await w.stripe.invoices.retrieve(sub.latest_invoice as string);
    expect(inv).toMatchObject({ total: 1000, starting_balance: 300, amount_due: 1300, amount_paid: 1300 });
    expect(((await w.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(0);
  });
  it('a known billing parameter the local Stripe does not implement is refused, not ignored', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await expect(
      w.stripe.subscriptions.update(sub.id, { pause_collection: { behavior: 'void' } }),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'parameter_unsupported',
      param: 'pause_collection',
      message: expect.stringContaining('not supported by the local Stripe'),
    });
    await expect(
      w.stripe.subscriptionItems.create({ subscription: sub.id, price: w.cat.storage.id, tax_rates: ['txr_1'] }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'tax_rates' });
    await expect(
      w.stripe.customers.create({ email: 'x@example.com', preferred_locales: ['en'] }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'preferred_locales' });
    expect((await w.stripe.subscriptions.retrieve(sub.id)).pause_collection).toBeNull();
  });
});

describe('8. mixed intervals (flexible billing mode)', () => {
  // docs.stripe.com/changelog/basil/2025-07-30/cancel-at-enums: "For mixed interval subscriptions
  // the existing cancel_at_period_end feature always resolves to the earliest item period end."
  it('cancel_at_period_end on an annual plan with a monthly add-on ends at the add-on’s period end', async () => {
    const w = await world('2027-01-10T00:00:00Z');
    const sub = await w.subscribe(w.cat.annual);
    const addon = await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    const c = await w.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true });
    expect(c.cancel_at).toBe(addon.current_period_end);
    expect(iso(c.cancel_at!)).toBe('2027-02-10');
    await w.advanceTo(c.cancel_at!);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
  });

  // docs.stripe.com/billing/subscriptions/billing-cycle: the anchor "sets the day of month for month
  // and year intervals"; docs.stripe.com/billing/subscriptions/mixed-interval: items share one
  // subscription and are invoiced together when their periods align. Verified: both rules; the
  // prorated first partial month of the added item follows Stripe's proration rule (remaining time
  // of the full period / length of the period).
  it('a monthly add-on on an annual plan anchored on the 10th bills 3 Mar → 10 Mar prorated (50), then monthly', async () => {
    const w = await world('2027-01-10T00:00:00Z');
    const sub = await w.subscribe(w.cat.annual);
    await w.advanceTo(at('2027-03-03T00:00:00Z'));
    const addon = await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    expect(iso(addon.current_period_end)).toBe('2027-03-10');
    // 7 of February 10 → March 10's 28 days of 200.
    expect((await latestInvoice(w, sub.id)).amount_paid).toBe(50);
    await w.advanceTo(at('2027-03-10T01:00:00Z'));
    const renewed = await w.stripe.subscriptions.retrieve(sub.id);
    const item = renewed.items.data.find((i) => i.id === addon.id)!;
    expect([iso(item.current_period_start), iso(item.current_period_end)]).toEqual(['2027-03-10', '2027-04-10']);
    expect(iso(renewed.items.data.find((i) => i.id !== addon.id)!.current_period_end)).toBe('2028-01-10');
    expect((await latestInvoice(w, sub.id)).amount_paid).toBe(200);
  });
  // Not stated verbatim by Stripe; follows from a trial being free until it ends
  // (docs.stripe.com/billing/subscriptions/trials): an add-on added in a trial costs nothing
  // until the first paid period, which bills plan and add-on together.
  it('an add-on added during a trial creates no proration; the trial-end invoice bills both', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly, { subscription_data: { trial_period_days: 14 } });
    const addon = await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    expect(addon.current_period_end).toBe(sub.trial_end);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).latest_invoice).toBe(sub.latest_invoice);
    await w.advanceTo(sub.trial_end! + 3600);
    expect((await latestInvoice(w, sub.id)).amount_paid).toBe(1200);
  });
});

describe('9. smaller differences', () => {
  // docs.stripe.com/api/invoices: "If the amount due for the invoice is less than Stripe's minimum
  // allowed charge per currency, the invoice is automatically marked paid, and we add the amount due
  // to the customer's credit balance which is applied to the next invoice." Invoice.amount_due (stripe
  // package doc): "If the invoice's total is smaller than the minimum charge amount ... the
  // `amount_due` may be 0." Minimum: USD 0.50 (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
  it('a 19-cent proration is not charged: paid, carried as a debit, added to the next amount_due', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    await w.advanceBy(28 * DAY); // 3 of 31 days left
    await w.stripe.subscriptionItems.create({
      subscription: sub.id,
      price: w.cat.storage.id,
      proration_behavior: 'always_invoice',
    });
    const small = await latestInvoice(w, sub.id);
    expect(small).toMatchObject({ total: 19, status: 'paid', amount_due: 0, amount_paid: 0, ending_balance: 19 });
    expect((await w.stripe.invoices.retrieve(small.id, { expand: ['payments'] })).payments?.data).toEqual([]);
    expect(((await w.stripe.customers.retrieve(sub.customer as string)) as Stripe.Customer).balance).toBe(19);
    await w.advanceTo(sub.items.data[0]!.current_period_end + 3600);
    const renewal = await latestInvoice(w, sub.id);
    expect(renewal).toMatchObject({ total: 1200, starting_balance: 19, amount_due: 1219, amount_paid: 1219 });
  });

  // docs.stripe.com/billing/subscriptions/billing-mode/compare#credit-proration-calculations:
  // "Flexible billing mode calculates credit prorations based on the original amount previously
  // debited to a customer"; classic uses "the subscription item's current price".
  it.each([
    ['flexible', -400],
    ['classic', -450],
  ] as const)('%s mode credits %d for half of an 800 GBP month after the price became 900', async (mode, credit) => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly, {
      currency: 'gbp',
      subscription_data: { billing_mode: { type: mode } },
    });
    await w.stripe.prices.update(w.cat.monthly.id, { currency_options: { gbp: { unit_amount: 900 } } });
    await w.advanceBy(15.5 * DAY);
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.business.id }],
      proration_behavior: 'always_invoice',
    });
    const inv = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(inv.lines.data.map((l) => l.amount)).toEqual([credit, 750]);
  });

  // docs.stripe.com/changelog/clover/2025-09-30/billing-mode-default-flexible: "Subscriptions you
  // create through the API now default to flexible billing mode", Checkout Sessions included.
  it('new subscriptions default to billing_mode flexible', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    expect(sub.billing_mode.type).toBe('flexible');
  });

  // stripe package doc of customer.subscription.trial_will_end: "Occurs three days before a
  // subscription's trial period is scheduled to end, or immediately when a trial is ended early
  // (for example, with `trial_end=now` ...)"; with fewer than three days left it "can fire immediately".
  it('trial_will_end three days before the trial ends, once; and on trial_end=now', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly, { subscription_data: { trial_period_days: 14 } });
    await w.advanceTo(sub.trial_end! - 3 * DAY - 1);
    expect(await w.eventsFor(sub.id, 'customer.subscription.trial_will_end')).toHaveLength(0);
    await w.advanceTo(sub.trial_end! - DAY);
    const sent = await w.eventsFor(sub.id, 'customer.subscription.trial_will_end');
    expect(sent.map((e) => e.created)).toEqual([sub.trial_end! - 3 * DAY]);

    const other = await w.subscribe(w.cat.monthly, { subscription_data: { trial_period_days: 30 } });
    await w.stripe.subscriptions.update(other.id, { trial_end: 'now' });
    expect(await w.eventsFor(other.id, 'customer.subscription.trial_will_end')).toHaveLength(1);
  });

  // stripe package doc of Event.data.previous_attributes: "Object containing the names of the updated
  // attributes and their values prior to the event".
  it('charge.refunded previous_attributes lists only what changed', async () => {
    const w = await world('2027-01-01T00:00:00Z');
    const sub = await w.subscribe(w.cat.monthly);
    const charge = (await w.stripe.charges.list({ customer: sub.customer as string })).data[0]!;
    await w.stripe.refunds.create({ charge: charge.id, amount: 300 });
    await w.stripe.refunds.create({ charge: charge.id });
    const events = await w.eventsFor(charge.id, 'charge.refunded');
    expect(events.map((e) => e.data.previous_attributes)).toEqual([
      { amount_refunded: 0 },
      { amount_refunded: 300, refunded: false },
    ]);
  });
});
