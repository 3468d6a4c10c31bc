import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { seedCatalog, startHarness, type Harness } from './harness';

/**
 * Every object type added for issue 22, as the API answers it, against the stripe package's own
 * interface for the pinned API version: all required keys present, no key Stripe does not have.
 */
function interfaceKeys(file: string, name: string): { required: string[]; optional: string[] } {
  const path = join(process.cwd(), 'node_modules/stripe/esm/resources', file);
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const out = { required: [] as string[], optional: [] as string[] };
  for (const node of source.statements) {
    if (!ts.isInterfaceDeclaration(node) || node.name.text !== name) continue;
    for (const m of node.members) {
      if (!ts.isPropertySignature(m)) continue;
      const key = m.name.getText(source);
      // `deleted?: void` marks the non-deleted variant; it is never sent.
      if (m.type?.kind === ts.SyntaxKind.VoidKeyword) continue;
      (m.questionToken ? out.optional : out.required).push(key);
    }
  }
  if (!out.required.length) throw new Error(`${name} not found in ${file}`);
  return out;
}

let h: Harness;
let stripe: Stripe;
const samples: Record<string, unknown> = {};
beforeAll(async () => {
  h = await startHarness();
  stripe = h.stripe;
  const catalog = await seedCatalog(stripe);
  const customer = await stripe.customers.create({ email: 'shape@example.com' });
  const pm = await stripe.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  await stripe.customers.update(customer.id, { invoice_settings: { default_payment_method: pm.id } });
  samples.PaymentMethod = pm;
  samples.PaymentIntent = await stripe.paymentIntents.create({
    amount: 1000,
    currency: 'usd',
    payment_method: pm.id,
    customer: customer.id,
    allowed_payment_method_types: ['card'],
    confirm: true,
  });
  samples.Charge = await stripe.charges.retrieve(
    (samples.PaymentIntent as Stripe.PaymentIntent).latest_charge as string,
  );
  samples.SetupIntent = await stripe.setupIntents.create({
    customer: customer.id,
    payment_method: 'pm_card_visa',
    confirm: true,
  });
  const coupon = await stripe.coupons.create({ percent_off: 10, duration: 'forever' });
  samples.Coupon = coupon;
  samples.PromotionCode = await stripe.promotionCodes.create({ promotion: { type: 'coupon', coupon: coupon.id } });
  const inv = await stripe.invoices.create({
    customer: customer.id,
    currency: 'usd',
    discounts: [{ coupon: coupon.id }],
  });
  samples.InvoiceItem = await stripe.invoiceItems.create({
    customer: customer.id,
    invoice: inv.id,
    amount: 700,
    currency: 'usd',
  });
  const invoice = await stripe.invoices.retrieve(inv.id, { expand: ['discounts'] });
  samples.Invoice = invoice;
  samples.Discount = invoice.discounts[0];
  samples.InvoiceLineItem = invoice.lines.data[0];
  await stripe.invoices.pay(inv.id);
  samples.InvoicePayment = (await stripe.invoicePayments.list({ invoice: inv.id })).data[0];
  samples.Subscription = await stripe.subscriptions.create({
    customer: customer.id,
    items: [{ price: catalog.monthly.id }],
  });
  samples.Configuration = await stripe.billingPortal.configurations.create({
    features: { invoice_history: { enabled: true } },
  });
  samples.CustomerBalanceTransaction = await stripe.customers.createBalanceTransaction(customer.id, {
    amount: -250,
    currency: 'usd',
  });
  samples.DeletedCustomer = await stripe.customers.del((await stripe.customers.create({})).id);
});
afterAll(() => h.close());

const TYPES: Array<[string, string]> = [
  ['PaymentMethod', 'PaymentMethods.d.ts'],
  ['PaymentIntent', 'PaymentIntents.d.ts'],
  ['Charge', 'Charges.d.ts'],
  ['SetupIntent', 'SetupIntents.d.ts'],
  ['Coupon', 'Coupons.d.ts'],
  ['PromotionCode', 'PromotionCodes.d.ts'],
  ['InvoiceItem', 'InvoiceItems.d.ts'],
  ['Invoice', 'Invoices.d.ts'],
  ['InvoiceLineItem', 'InvoiceLineItems.d.ts'],
  ['Discount', 'Discounts.d.ts'],
  ['InvoicePayment', 'InvoicePayments.d.ts'],
  ['Subscription', 'Subscriptions.d.ts'],
  ['Configuration', 'BillingPortal/Configurations.d.ts'],
  ['DeletedCustomer', 'Customers.d.ts'],
  ['CustomerBalanceTransaction', 'CustomerBalanceTransactions.d.ts'],
];

describe('object shapes follow the stripe package for API 2026-10-28.endive', () => {
  it.each(TYPES)('%s has every required key and no unknown key', (name, file) => {
    const { required, optional } = interfaceKeys(file, name);
    const sample = samples[name] as Record<string, unknown>;
    expect(sample).toBeDefined();
    const keys = Object.keys(sample);
    expect(required.filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => !required.includes(k) && !optional.includes(k))).toEqual([]);
  });
});

describe('generated parameter lists', () => {
  it('match the installed stripe package (rerun scripts/stripe-emulator-params.ts after an upgrade)', async () => {
    const { generateParamLists } = await import('../../scripts/stripe-emulator-params');
    const { STRIPE_PARAMS } = await import('../../stripe-emulator/resources/stripe-params.generated');
    expect(STRIPE_PARAMS).toEqual(generateParamLists());
  });
});
