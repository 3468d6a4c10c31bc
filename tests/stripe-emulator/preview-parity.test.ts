import { afterEach, describe, expect, it } from 'vitest';
import { startClockedWorld, type Harness } from './harness';

/**
 * `invoices.createPreview` for a subscription change runs the same computation as the change itself
 * (on a copy), so what it shows is what the change then bills, line for line.
 */

const DAY = 86_400;
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function world() {
  const base = Date.parse('2027-01-01T00:00:00Z');
  const w = await startClockedWorld(base, (h) => open.push(h));
  const start = Math.floor(base / 1000) + 40 * DAY;
  await w.advanceTo(start);
  const customer = await w.stripe.customers.create({ email: 'preview@example.com' });
  await w.withCard(customer.id);
  return { ...w, customer: customer.id, base: start };
}

describe('invoice preview matches the change', () => {
  it('an annual plan with a monthly add-on switched to monthly: preview lines = invoiced lines', async () => {
    const w = await world();
    const sub = await w.stripe.subscriptions.create({
      customer: w.customer,
      items: [{ price: w.cat.annual.id }, { price: w.cat.storage.id }],
    });
    await w.stripe.testHelpers.testClocks.advance(w.clock.id, { frozen_time: w.base + 100 * DAY });
    const annualItem = sub.items.data.find((i) => i.price.id === w.cat.annual.id)!;
    const preview = await w.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ id: annualItem.id, price: w.cat.monthly.id }] },
    });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: annualItem.id, price: w.cat.monthly.id }],
    });
    const invoice = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    const shape = (lines: typeof invoice.lines.data) => lines.map((l) => [l.amount, l.period.start, l.period.end]);
    expect(shape(preview.lines.data)).toEqual(shape(invoice.lines.data));
    expect(preview.total).toBe(invoice.total);
    expect(preview.billing_reason).toBe('subscription_update');
  });

  it('a monthly add-on added to an annual plan with always_invoice: preview lines = invoiced lines', async () => {
    const w = await world();
    const sub = await w.stripe.subscriptions.create({ customer: w.customer, items: [{ price: w.cat.annual.id }] });
    await w.stripe.testHelpers.testClocks.advance(w.clock.id, { frozen_time: w.base + 10 * DAY });
    const preview = await w.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ price: w.cat.storage.id }], proration_behavior: 'always_invoice' },
    });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ price: w.cat.storage.id }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(preview.lines.data.map((l) => [l.amount, l.period.end])).toEqual(
      invoice.lines.data.map((l) => [l.amount, l.period.end]),
    );
  });
});

describe('invoice preview and the customer balance', () => {
  it('a debit balance is added to the previewed amount due, as finalization adds it', async () => {
    const w = await world();
    const sub = await w.stripe.subscriptions.create({ customer: w.customer, items: [{ price: w.cat.monthly.id }] });
    await w.stripe.customers.createBalanceTransaction(w.customer, { amount: 300, currency: 'usd' });
    await w.stripe.testHelpers.testClocks.advance(w.clock.id, { frozen_time: w.base + 10 * DAY });
    const preview = await w.stripe.invoices.createPreview({
      subscription: sub.id,
      subscription_details: { items: [{ price: w.cat.storage.id }], proration_behavior: 'always_invoice' },
    });
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ price: w.cat.storage.id }],
      proration_behavior: 'always_invoice',
    });
    const invoice = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    expect(invoice.starting_balance).toBe(300);
    expect(preview.amount_due).toBe(invoice.amount_due);
    expect(preview.amount_due).toBe(preview.total + 300);
  });
});
