import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

let h: Harness;
let stripe: Stripe;
let catalog: Awaited<ReturnType<typeof seedCatalog>>;
beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
  catalog = await seedCatalog(stripe);
});
afterAll(() => h.close());

async function customerWithCard(pm = 'pm_card_visa'): Promise<Stripe.Customer> {
  const customer = await stripe.customers.create({ email: 'inv@example.com' });
  const card = await stripe.paymentMethods.attach(pm, { customer: customer.id });
  return stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: card.id } });
}

async function recentTypes(n = 30): Promise<string[]> {
  return (await stripe.events.list({ limit: n })).data.map((e) => e.type);
}

describe('invoice items and draft invoices', () => {
  it('pending items join a new draft; items added, updated and deleted change its totals; finalize, then pay', async () => {
    const customer = await customerWithCard();
    const pending = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 500,
      currency: 'usd',
      description: 'Overage',
    });
    expect(pending).toMatchObject({ object: 'invoiceitem', invoice: null, amount: 500, quantity: 1 });
    const invoice = await stripe.invoices.create({
      customer: customer.id,
      pending_invoice_items_behavior: 'include',
      auto_advance: false,
    });
    expect(invoice).toMatchObject({ status: 'draft', total: 500, amount_due: 500, currency: 'usd', parent: null });
    expect(invoice.lines.data.map((l) => l.parent?.invoice_item_details?.invoice_item)).toEqual([pending.id]);
    const priced = await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: invoice.id,
      pricing: { price: catalog.storage.id },
      quantity: 3,
    });
    expect(priced).toMatchObject({ amount: 600, quantity: 3, invoice: invoice.id });
    expect((await stripe.invoices.retrieve(invoice.id)).total).toBe(1100);
    await stripe.invoiceItems.update(pending.id, { amount: 700 });
    expect((await stripe.invoices.retrieve(invoice.id)).total).toBe(1300);
    const deleted = await stripe.invoiceItems.del(priced.id);
    expect(deleted).toEqual({ id: priced.id, object: 'invoiceitem', deleted: true });
    const updated = await stripe.invoices.update(invoice.id, { description: 'June usage', metadata: { k: 'v' } });
    expect(updated).toMatchObject({ total: 700, description: 'June usage', metadata: { k: 'v' } });
    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(finalized.status).toBe('open');
    expect(finalized.number).toMatch(/-\d{4}$/);
    await expect(stripe.invoiceItems.update(pending.id, { amount: 1 })).rejects.toMatchObject({
      code: 'invoice_not_editable',
    });
    const paid = await stripe.invoices.pay(invoice.id, { expand: ['payments'] });
    expect(paid).toMatchObject({ status: 'paid', amount_paid: 700 });
    expect(paid.payments?.data[0]).toMatchObject({ status: 'paid', amount_paid: 700 });
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id });
    expect(payments.data).toHaveLength(1);
    expect(payments.data[0]).toMatchObject({ object: 'invoice_payment', invoice: invoice.id, status: 'paid' });
    expect((await stripe.invoicePayments.retrieve(payments.data[0]!.id)).amount_paid).toBe(700);
    const types = await recentTypes();
    for (const t of [
      'invoiceitem.created',
      'invoiceitem.deleted',
      'invoice.created',
      'invoice.updated',
      'invoice.finalized',
      'invoice.paid',
    ]) {
      expect(types).toContain(t);
    }
    const listed = await stripe.invoiceItems.list({ customer: customer.id });
    expect(listed.data.map((x) => x.id)).toEqual([pending.id]);
  });

  it('paying a draft finalizes it; a card that fails leaves it open with invoice.payment_failed; void and mark uncollectible', async () => {
    const failing = await customerWithCard('pm_card_chargeCustomerFail');
    const inv = await stripe.invoices.create({ customer: failing.id, currency: 'usd' });
    await stripe.invoiceItems.create({ customer: failing.id, invoice: inv.id, amount: 2500, currency: 'usd' });
    await expect(stripe.invoices.pay(inv.id)).rejects.toMatchObject({ type: 'StripeCardError' });
    const open = await stripe.invoices.retrieve(inv.id);
    expect(open).toMatchObject({ status: 'open', attempt_count: 1, amount_remaining: 2500 });
    expect(await recentTypes(10)).toContain('invoice.payment_failed');
    const uncollectible = await stripe.invoices.markUncollectible(inv.id);
    expect(uncollectible.status).toBe('uncollectible');
    const voided = await stripe.invoices.voidInvoice(inv.id);
    expect(voided.status).toBe('void');
    await expect(stripe.invoices.voidInvoice(inv.id)).rejects.toMatchObject({ code: 'invoice_not_open' });
    expect(await recentTypes(10)).toEqual(expect.arrayContaining(['invoice.marked_uncollectible', 'invoice.voided']));
  });

  it('send_invoice: due date from days_until_due, send finalizes and emits invoice.sent; a deleted draft returns its items to pending', async () => {
    const customer = await customerWithCard();
    const inv = await stripe.invoices.create({
      customer: customer.id,
      collection_method: 'send_invoice',
      days_until_due: 14,
    });
    expect(inv.due_date).toBe(inv.created + 14 * 86_400);
    await stripe.invoiceItems.create({ customer: customer.id, invoice: inv.id, amount: 900, currency: 'usd' });
    const sent = await stripe.invoices.sendInvoice(inv.id);
    expect(sent).toMatchObject({ status: 'open', amount_due: 900 });
    expect(sent.hosted_invoice_url).toContain(`/invoices/${inv.id}`);
    expect(await recentTypes(10)).toContain('invoice.sent');

    const draft = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
    const item = await stripe.invoiceItems.create({
      customer: customer.id,
      invoice: draft.id,
      amount: 300,
      currency: 'usd',
    });
    await expect(stripe.invoices.sendInvoice(draft.id)).rejects.toMatchObject({ code: 'invoice_not_editable' });
    expect(await stripe.invoices.del(draft.id)).toEqual({ id: draft.id, object: 'invoice', deleted: true });
    expect((await stripe.invoiceItems.retrieve(item.id)).invoice).toBeNull();
    await expect(stripe.invoices.del(inv.id)).rejects.toMatchObject({ code: 'invoice_not_editable' });
    await expect(
      stripe.invoices.create({ customer: customer.id, subscription: 'sub_x' } as never),
    ).rejects.toMatchObject({ code: 'parameter_unsupported', param: 'subscription' });
  });

  it('a zero-total draft is paid on finalization', async () => {
    const customer = await customerWithCard();
    const inv = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
    const finalized = await stripe.invoices.finalizeInvoice(inv.id);
    expect(finalized).toMatchObject({ status: 'paid', amount_due: 0 });
  });

  it('pending invoice items ride on the next subscription invoice (usage added to a renewal)', async () => {
    const customer = await customerWithCard();
    const sub = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: catalog.monthly.id }] });
    const usage = await stripe.invoiceItems.create({
      customer: customer.id,
      amount: 350,
      currency: 'usd',
      description: '35 extra stories',
    });
    const other = await stripe.invoiceItems.create({ customer: customer.id, amount: 100, currency: 'gbp' });
    await h.http('POST', `/_emulator/subscriptions/${sub.id}/advance`, {});
    const renewed = await stripe.subscriptions.retrieve(sub.id, { expand: ['latest_invoice'] });
    const invoice = renewed.latest_invoice as Stripe.Invoice;
    expect(invoice).toMatchObject({ billing_reason: 'subscription_cycle', total: 1350, amount_paid: 1350 });
    expect(invoice.lines.data.map((l) => l.amount).sort()).toEqual([1000, 350].sort());
    expect((await stripe.invoiceItems.retrieve(usage.id)).invoice).toBe(invoice.id);
    expect((await stripe.invoiceItems.retrieve(other.id)).invoice).toBeNull();
  });
});
