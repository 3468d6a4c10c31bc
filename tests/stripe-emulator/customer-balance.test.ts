import { afterEach, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

/**
 * The customer invoice balance as a ledger (docs.stripe.com/billing/customer/balance): every change
 * is a customer balance transaction, prorations from a downgrade "indirectly create credits to
 * reduce the amount due on the next invoice", and the balance "automatically applies toward the
 * next invoice finalized to a customer" (`starting_balance` / `ending_balance` on that invoice).
 */

const DAY = 86_400;
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function world() {
  const base = Date.parse('2027-01-01T00:00:00Z');
  const h = await startHarness({ now: () => base });
  open.push(h);
  const cat = await seedCatalog(h.stripe);
  const business = await h.stripe.prices.create({
    product: 'professional',
    currency: 'usd',
    unit_amount: 1800,
    recurring: { interval: 'month' },
  });
  const clock = await h.stripe.testHelpers.testClocks.create({ frozen_time: Math.floor(base / 1000) });
  const now = async () => ((await h.http('GET', '/_emulator/clock')).json as { now: number }).now;
  const advanceTo = async (ts: number) => {
    await h.stripe.testHelpers.testClocks.advance(clock.id, { frozen_time: ts });
  };
  const subscribe = async (price: Stripe.Price) => {
    const customer = await h.stripe.customers.create({ email: 'ledger@example.com', payment_method: 'pm_card_visa' });
    const pm = (await h.stripe.customers.listPaymentMethods(customer.id)).data[0]!;
    await h.stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
    return h.stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] });
  };
  const ledger = async (customer: string) =>
    (await h.stripe.customers.listBalanceTransactions(customer, { limit: 100 })).data.reverse();
  const balance = async (customer: string) =>
    ((await h.stripe.customers.retrieve(customer)) as Stripe.Customer).balance;
  return {
    h,
    stripe: h.stripe,
    cat,
    business,
    now,
    advanceTo,
    advanceBy: async (s: number) => advanceTo((await now()) + s),
    subscribe,
    ledger,
    balance,
  };
}

describe('customer balance transactions API', () => {
  it('creates, retrieves, updates and lists; the customer balance is the ledger sum', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'c@example.com', balance: -500 });
    expect(customer.balance).toBe(-500);
    const credit = await w.stripe.customers.createBalanceTransaction(customer.id, {
      amount: 200,
      currency: 'usd',
      description: 'Goodwill reversal',
      metadata: { ticket: '42' },
    });
    expect(credit).toMatchObject({
      object: 'customer_balance_transaction',
      amount: 200,
      currency: 'usd',
      customer: customer.id,
      description: 'Goodwill reversal',
      ending_balance: -300,
      invoice: null,
      type: 'adjustment',
      metadata: { ticket: '42' },
      livemode: false,
    });
    expect(credit.id).toMatch(/^cbtxn_/);
    expect(await w.balance(customer.id)).toBe(-300);
    // Setting the balance directly is an adjustment of the difference.
    await w.stripe.customers.update(customer.id, { balance: 100 });
    const entries = await w.ledger(customer.id);
    expect(entries.map((e) => [e.type, e.amount, e.ending_balance])).toEqual([
      ['initial', -500, -500],
      ['adjustment', 200, -300],
      ['adjustment', 400, 100],
    ]);
    expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(await w.balance(customer.id));

    const updated = await w.stripe.customers.updateBalanceTransaction(customer.id, credit.id, {
      description: 'Renamed',
      metadata: { ticket: '', reviewed: 'yes' },
    });
    expect(updated).toMatchObject({ description: 'Renamed', metadata: { reviewed: 'yes' }, amount: 200 });
    expect(await w.stripe.customers.retrieveBalanceTransaction(customer.id, credit.id)).toEqual(updated);

    const other = await w.stripe.customers.create({ email: 'other@example.com' });
    await expect(w.stripe.customers.retrieveBalanceTransaction(other.id, credit.id)).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(
      w.stripe.customers.createBalanceTransaction(customer.id, {
        amount: 100,
      } as Stripe.CustomerCreateBalanceTransactionParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_missing', param: 'currency' });
    await expect(
      w.stripe.customers.createBalanceTransaction(customer.id, {
        amount: 100,
        currency: 'usd',
        type: 'adjustment',
      } as Stripe.CustomerCreateBalanceTransactionParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'type' });
    await expect(
      w.stripe.customers.updateBalanceTransaction(customer.id, credit.id, {
        amount: 5,
      } as Stripe.CustomerUpdateBalanceTransactionParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown', param: 'amount' });
  });
});

describe('balance transactions from prorations', () => {
  it('an immediately invoiced downgrade leaves a credit that the next renewal uses', async () => {
    const w = await world();
    const sub = await w.subscribe(w.business); // 1800 a month, paid at once
    const customer = sub.customer as string;
    await w.advanceBy(15.5 * DAY); // half of January
    const updated = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.cat.monthly.id }],
      proration_behavior: 'always_invoice',
    });
    const proration = await w.stripe.invoices.retrieve(updated.latest_invoice as string);
    // -900 unused Business + 500 remaining Professional.
    expect(proration).toMatchObject({
      total: -400,
      amount_due: 0,
      status: 'paid',
      starting_balance: 0,
      ending_balance: -400,
    });
    expect(await w.balance(customer)).toBe(-400);
    const fromProration = (await w.ledger(customer)).at(-1)!;
    expect(fromProration).toMatchObject({
      type: 'applied_to_invoice',
      amount: -400,
      ending_balance: -400,
      invoice: proration.id,
      currency: 'usd',
    });
    const byInvoice = await w.stripe.customers.listBalanceTransactions(customer, { invoice: proration.id });
    expect(byInvoice.data.map((t) => t.id)).toEqual([fromProration.id]);

    await w.advanceTo(updated.items.data[0]!.current_period_end + 3600);
    const renewal = await w.stripe.invoices.retrieve(
      (await w.stripe.subscriptions.retrieve(sub.id)).latest_invoice as string,
    );
    expect(renewal).toMatchObject({
      billing_reason: 'subscription_cycle',
      total: 1000,
      starting_balance: -400,
      ending_balance: 0,
      amount_due: 600,
      amount_paid: 600,
      status: 'paid',
    });
    expect(await w.balance(customer)).toBe(0);
    expect((await w.ledger(customer)).at(-1)).toMatchObject({
      type: 'applied_to_invoice',
      amount: 400,
      ending_balance: 0,
      invoice: renewal.id,
    });
  });

  it('an annual to monthly switch credits the unused half year; monthly renewals draw on it', async () => {
    const w = await world();
    const sub = await w.subscribe(w.cat.annual); // 10000 a year
    const customer = sub.customer as string;
    await w.advanceBy(182.5 * DAY); // half of 2027's 365 days
    const switched = await w.stripe.subscriptions.update(sub.id, {
      items: [{ id: sub.items.data[0]!.id, price: w.cat.monthly.id }],
    });
    const inv = await w.stripe.invoices.retrieve(switched.latest_invoice as string);
    // The interval change resets the cycle: -5000 unused annual + 1000 for the new month.
    expect(inv.lines.data.map((l) => l.amount)).toEqual([-5000, 1000]);
    expect(inv).toMatchObject({ total: -4000, amount_due: 0, ending_balance: -4000 });
    expect(await w.balance(customer)).toBe(-4000);

    await w.advanceTo(switched.items.data[0]!.current_period_end + 3600);
    const renewal = await w.stripe.invoices.retrieve(
      (await w.stripe.subscriptions.retrieve(sub.id)).latest_invoice as string,
    );
    expect(renewal).toMatchObject({ total: 1000, starting_balance: -4000, ending_balance: -3000, amount_due: 0 });
    expect(renewal.status).toBe('paid');
    expect(await w.balance(customer)).toBe(-3000);
    expect((await w.ledger(customer)).map((t) => [t.type, t.amount, t.ending_balance])).toEqual([
      ['applied_to_invoice', -4000, -4000],
      ['applied_to_invoice', 1000, -3000],
    ]);
  });

  it('voiding an invoice that used credit gives the credit back (unapplied_from_invoice)', async () => {
    const w = await world();
    const customer = await w.stripe.customers.create({ email: 'void@example.com', balance: -300 });
    const invoice = await w.stripe.invoices.create({ customer: customer.id, currency: 'usd', auto_advance: false });
    await w.stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 1000, currency: 'usd' });
    const finalized = await w.stripe.invoices.finalizeInvoice(invoice.id, { auto_advance: false });
    expect(finalized).toMatchObject({ starting_balance: -300, ending_balance: 0, amount_due: 700 });
    expect(await w.balance(customer.id)).toBe(0);
    await w.stripe.invoices.voidInvoice(invoice.id);
    expect(await w.balance(customer.id)).toBe(-300);
    expect((await w.ledger(customer.id)).map((t) => [t.type, t.amount, t.ending_balance, t.invoice])).toEqual([
      ['initial', -300, -300, null],
      ['applied_to_invoice', 300, 0, invoice.id],
      ['unapplied_from_invoice', -300, -300, invoice.id],
    ]);
  });
});
