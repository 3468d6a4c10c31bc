import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { startClockedWorld, type Harness } from './harness';

/**
 * `collection_method: send_invoice` on subscriptions created directly. Stripe "will email your
 * customer an invoice with payment instructions and mark the subscription as active"; it finalizes
 * the first invoice "one hour later when it's set to send_invoice" (docs.stripe.com/subscriptions/
 * invoices); `days_until_due` is "the number of days from when the invoice is created until it is
 * due". Nothing is charged: the invoice stays open until the customer pays it.
 */

const DAY = 86_400;
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

function world() {
  return startClockedWorld(Date.parse('2027-01-01T00:00:00Z'), (h) => open.push(h));
}

describe('send_invoice subscriptions', () => {
  it('active at once; the first invoice is finalized an hour later and left open, due after days_until_due, never charged', async () => {
    const w = await world();
    const start = await w.now();
    // No payment method at all: the customer pays the invoice themselves.
    const customer = await w.stripe.customers.create({ email: 'ap@example.com' });
    const sub = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
      collection_method: 'send_invoice',
      days_until_due: 14,
      expand: ['latest_invoice'],
    });
    expect(sub).toMatchObject({ status: 'active', collection_method: 'send_invoice', days_until_due: 14 });
    const draft = sub.latest_invoice as Stripe.Invoice;
    expect(draft).toMatchObject({
      status: 'draft',
      collection_method: 'send_invoice',
      billing_reason: 'subscription_create',
      due_date: start + 14 * DAY,
      automatically_finalizes_at: start + 3600,
      total: 1000,
    });

    await w.advanceTo(start + 3600);
    const finalized = await w.stripe.invoices.retrieve(draft.id);
    expect(finalized).toMatchObject({
      status: 'open',
      amount_due: 1000,
      amount_remaining: 1000,
      attempt_count: 0,
      attempted: false,
      next_payment_attempt: null,
      due_date: start + 14 * DAY,
    });
    expect(finalized.hosted_invoice_url).toMatch(/\/invoices\//);
    expect(await w.typesFor(draft.id)).toEqual(['invoice.created', 'invoice.finalized']);
    expect((await w.stripe.paymentIntents.list({ customer: customer.id })).data).toEqual([]);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');

    // Unpaid at its due date: the subscription is past due.
    await w.advanceTo(start + 14 * DAY - 1);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    await w.advanceTo(start + 14 * DAY);
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('past_due');

    // The customer pays (as from the hosted invoice page): paid, and the subscription is active again.
    const card = await w.stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
    const paid = await w.stripe.invoices.pay(draft.id, { payment_method: card.id });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 1000, amount_remaining: 0 });
    expect((await w.stripe.subscriptions.retrieve(sub.id)).status).toBe('active');
    const charged = (await w.stripe.charges.list({ customer: customer.id })).data.length;
    expect(charged).toBe(1);

    // The renewal is finalized and left open too, even though the customer now has a card on file.
    const periodEnd = sub.items.data[0]!.current_period_end;
    await w.advanceTo(periodEnd + 3600);
    const renewed = await w.stripe.subscriptions.retrieve(sub.id);
    const renewal = await w.stripe.invoices.retrieve(renewed.latest_invoice as string);
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      collection_method: 'send_invoice',
      status: 'open',
      amount_due: 1000,
      attempt_count: 0,
      due_date: periodEnd + 14 * DAY,
    });
    expect((await w.stripe.charges.list({ customer: customer.id })).data).toHaveLength(charged);
    expect(renewed.status).toBe('active');
  });

  it('an immediately invoiced upgrade is finalized and left open, not charged', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'upgrade@example.com', payment_method: 'pm_card_visa' });
    const pm = (await w.stripe.customers.listPaymentMethods(customer.id)).data[0]!;
    await w.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    const sub = await w.stripe.subscriptions.create({
      customer: customer.id,
      items: [{ price: w.cat.monthly.id }],
      collection_method: 'send_invoice',
      days_until_due: 7,
    });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.cat.annual.id }],
    });
    const invoice = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice).toMatchObject({
      billing_reason: 'subscription_update',
      collection_method: 'send_invoice',
      status: 'open',
    });
    expect(invoice.amount_due).toBeGreaterThan(0);
    expect((await w.stripe.charges.list({ customer: customer.id })).data).toEqual([]);
    expect(updated.status).toBe('active');
  });
});
