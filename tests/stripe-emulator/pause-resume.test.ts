import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startClockedWorld, type Harness } from './harness';

/**
 * Paused subscriptions (API 2026-09-30.endive and later): status `paused` with `status_details`,
 * no invoices while paused, `customer.subscription.paused` / `.resumed`. A subscription pauses on
 * request (flexible billing mode) or when a trial ends without a payment method and
 * `trial_settings[end_behavior][missing_payment_method]=pause`; `resume` starts a new cycle now
 * (`billing_cycle_anchor` defaults to `now`) and invoices it at once.
 */

const DAY = 86_400;
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

function world() {
  return startClockedWorld(Date.parse('2027-01-01T00:00:00Z'), (h) => open.push(h));
}

describe('paused subscriptions and resume', () => {
  it('a trial ending without a payment method pauses (missing_payment_method=pause); resume bills a new period from now', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'cardless@example.com' });
    const sub = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
      trial_period_days: 14,
      trial_settings: { end_behavior: { missing_payment_method: 'pause' } },
    });
    expect(sub.trial_settings?.end_behavior.missing_payment_method).toBe('pause');
    const trialInvoices = (await w.invoicesOf(sub.id)).length;
    await w.advanceTo(sub.trial_end! + 60);
    const paused = await w.stripe.subscriptions.retrieve(sub.id);
    expect(paused.status).toBe('paused');
    expect(paused.status_details).toEqual({
      paused: {
        subscription: { type: 'trial_end_without_payment_method' },
        transitioned_at: sub.trial_end,
        type: 'subscription',
      },
    });
    expect(await w.typesFor(sub.id)).toEqual(
      expect.arrayContaining(['customer.subscription.paused', 'customer.subscription.updated']),
    );
    // No invoice at the trial end, nor a month later: a paused subscription is not billed.
    await w.advanceTo(sub.trial_end! + 40 * DAY);
    expect(await w.invoicesOf(sub.id)).toHaveLength(trialInvoices);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('paused');
    // Nor does the renewal helper bill it.
    expect((await w.h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {})).status).toBe(400);
    expect(await w.invoicesOf(sub.id)).toHaveLength(trialInvoices);

    await w.withCard(customer.id);
    const resumedAt = await w.now();
    const resumed = await w.stripe.subscriptions.resume(sub.id, { billing_cycle_anchor: { type: 'now' } });
    expect(resumed.status).toBe('active');
    expect(resumed.status_details).toBeUndefined();
    expect(resumed.billing_cycle_anchor).toBe(resumedAt);
    expect(resumed.items.data[0]).toMatchObject({ current_period_start: resumedAt });
    const invoice = await w.stripe.invoices.retrieve(resumed.latest_invoice as string);
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 1000, billing_reason: 'subscription_update' });
    expect(await w.typesFor(sub.id)).toContain('customer.subscription.resumed');
    await expect(w.stripe.subscriptions.resume(sub.id)).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
      code: 'subscription_not_paused',
    });
  });

  it('pause on request credits the unused time; resume invoices the new period less that credit', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'vacation@example.com' });
    await w.withCard(customer.id);
    const sub = await w.stripe.subscriptions.create({ customer: customer.id, items: [{ price: w.cat.monthly.id }] });
    expect(sub.billing_mode.type).toBe('flexible');
    await w.advanceTo((await w.now()) + 15.5 * DAY); // half of January
    const paused = await w.stripe.subscriptions.pause(sub.id);
    expect(paused.status).toBe('paused');
    expect(paused.status_details?.paused.subscription.type).toBe('pause_requested');
    const invoicesWhilePaused = (await w.invoicesOf(sub.id)).length;
    await w.advanceTo(sub.items.data[0]!.current_period_end + 2 * DAY);
    expect(await w.invoicesOf(sub.id)).toHaveLength(invoicesWhilePaused);

    const resumed = await w.stripe.subscriptions.resume(sub.id);
    const invoice = await w.stripe.invoices.retrieve(resumed.latest_invoice as string);
    expect(invoice.lines.data.map((l) => l.amount)).toEqual([1000, -500]);
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 500 });
    expect(resumed.status).toBe('active');
  });

  it('pause with invoicing_behavior=invoice credits the customer balance at once', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'credit@example.com' });
    await w.withCard(customer.id);
    const sub = await w.stripe.subscriptions.create({ customer: customer.id, items: [{ price: w.cat.monthly.id }] });
    await w.advanceTo((await w.now()) + 15.5 * DAY);
    const paused = await w.stripe.subscriptions.pause(sub.id, { invoicing_behavior: 'invoice' });
    const credit = await w.stripe.invoices.retrieve(paused.latest_invoice as string);
    expect(credit).toMatchObject({ total: -500, ending_balance: -500 });
    expect(((await w.stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance).toBe(-500);
  });

  it('refuses what it does not model, with Stripe’s error shape', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'refuse@example.com' });
    await w.withCard(customer.id);
    const classic = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
      billing_mode: { type: 'classic' },
    });
    await expect(w.stripe.subscriptions.pause(classic.id)).rejects.toMatchObject({
      statusCode: 400,
      type: 'StripeInvalidRequestError',
    });
    expect((await w.stripe.subscriptions.retrieve(classic.id)).status).toBe('active');
    const flexible = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
    });
    await expect(
      w.stripe.subscriptions.pause(flexible.id, {
        bill_for: { unused_time_from: { type: 'now' } },
      } as Stripe.SubscriptionPauseParams),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'bill_for' });
    await w.stripe.subscriptions.pause(flexible.id);
    await expect(
      w.stripe.subscriptions.resume(flexible.id, { billing_cycle_anchor: { type: 'unchanged' } }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'billing_cycle_anchor[type]' });
    await expect(
      w.stripe.subscriptions.resume(flexible.id, { payment_behavior: 'resume_on_payment_success' }),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'payment_behavior' });
    await expect(w.stripe.subscriptions.resume(flexible.id, { proration_behavior: 'none' })).rejects.toMatchObject({
      code: 'parameter_unsupported',
      param: 'proration_behavior',
    });
    expect((await w.stripe.subscriptions.retrieve(flexible.id)).status).toBe('paused');
  });

  it('missing_payment_method=cancel ends the subscription at the trial end', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'gone@example.com' });
    const sub = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
      trial_period_days: 7,
      trial_settings: { end_behavior: { missing_payment_method: 'cancel' } },
    });
    await w.advanceTo(sub.trial_end! + 60);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('canceled');
  });
});
