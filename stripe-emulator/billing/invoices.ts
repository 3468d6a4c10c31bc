import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { newId } from '../ids.js';
import { decimalString } from '../resources/util.js';
import { attemptPayment, type PaymentOutcome } from './payments.js';
import { defaultCard } from './cards.js';
import { applyInvoiceDiscounts } from './discounts.js';
import { sweepPendingInvoiceItems } from './standalone-invoices.js';
import { invoiceNeedsAuthentication, requireInvoiceAuthentication } from './invoice-authentication.js';
import type { CardRecord } from '../state.js';
import { appliedBalance, recordBalanceTransaction } from './customer-balance.js';

export interface LineSpec {
  price: Stripe.Price;
  quantity: number;
  amount: number;
  description: string;
  period: { start: number; end: number };
  subscriptionItem: string | null;
  proration: boolean;
}

function customerId(sub: Stripe.Subscription): string {
  return typeof sub.customer === 'string' ? sub.customer : sub.customer.id;
}

export function buildLine(ctx: Ctx, invoiceId: string, sub: Stripe.Subscription, l: LineSpec): Stripe.InvoiceLineItem {
  const productId = typeof l.price.product === 'string' ? l.price.product : l.price.product.id;
  return {
    id: newId('il'),
    object: 'line_item',
    amount: l.amount,
    currency: sub.currency,
    description: l.description,
    discount_amounts: [],
    discountable: !l.proration,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: {},
    parent: {
      type: 'subscription_item_details',
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: l.proration ? newId('ii') : null,
        proration: l.proration,
        proration_details: l.proration ? { credited_items: null } : null,
        subscription: sub.id,
        subscription_item: l.subscriptionItem ?? '',
      },
    },
    period: l.period,
    pretax_credit_amounts: [],
    pricing: {
      type: 'price_details',
      price_details: { price: l.price.id, product: productId },
      unit_amount_decimal: decimalString(l.quantity ? Math.round(l.amount / l.quantity) : l.amount),
    },
    quantity: l.quantity,
    quantity_decimal: decimalString(l.quantity),
    subscription: sub.id,
    subtotal: l.amount,
    taxes: [],
  };
}

/**
 * A customer balance applied to an invoice total, as Stripe applies it at finalization: a credit
 * (negative balance) pays first and a negative total becomes credit; a debit (positive balance)
 * is added to the amount due.
 */
export function applyBalance(total: number, startingBalance: number): { amountDue: number; endingBalance: number } {
  const owed = total + startingBalance;
  return { amountDue: Math.max(0, owed), endingBalance: Math.min(0, owed) };
}

/** Stripe waits about an hour after invoice.created before finalizing a renewal invoice. */
export const RENEWAL_FINALIZATION_DELAY_SECONDS = 3600;

/** Draft invoice for a subscription, emitting invoice.created. */
export function createInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineSpec[],
  reason: Stripe.Invoice.BillingReason,
  opts: { finalizesAt?: number } = {},
): Stripe.Invoice {
  const now = ctx.store.now();
  const id = newId('in');
  const customer = ctx.store.get('customers', customerId(sub));
  const built = lines.map((l) => buildLine(ctx, id, sub, l));
  const total = built.reduce((s, l) => s + l.amount, 0);
  const periodStart = lines.length ? Math.min(...lines.map((l) => l.period.start)) : now;
  const periodEnd = lines.length ? Math.max(...lines.map((l) => l.period.start)) : now;
  // A draft shows the current customer balance; finalization applies it.
  const startingBalance = customer?.balance ?? 0;
  const { amountDue } = applyBalance(total, startingBalance);
  const invoice: Stripe.Invoice = {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'AgileForge',
    account_tax_ids: null,
    amount_due: amountDue,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: amountDue,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: true,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: opts.finalizesAt ?? null,
    billing_reason: reason,
    collection_method: sub.collection_method ?? 'charge_automatically',
    created: now,
    currency: sub.currency,
    custom_fields: null,
    customer: customerId(sub),
    customer_account: null,
    customer_address: null,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    customer_phone: null,
    customer_shipping: null,
    customer_tax_exempt: 'none',
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discounts: [],
    // "The number of days from when the invoice is created until it is due" (days_until_due).
    due_date: sub.collection_method === 'send_invoice' ? now + (sub.days_until_due ?? 30) * 86_400 : null,
    effective_at: null,
    ending_balance: null,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: 'self' },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: 'list', data: built, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: null,
    on_behalf_of: null,
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: periodEnd,
    period_start: periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: startingBalance,
    statement_descriptor: null,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    test_clock: null,
    total,
    total_discount_amounts: [],
    total_excluding_tax: total,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: null,
  };
  // Only real subscriptions: API-built invoices (no subscription) pull pending items on request.
  if (sub.id) sweepPendingInvoiceItems(ctx, invoice);
  if (sub.discounts?.length) {
    applyInvoiceDiscounts(ctx, invoice, sub);
    const discounted = applyBalance(invoice.total, startingBalance);
    invoice.amount_due = discounted.amountDue;
    invoice.amount_remaining = discounted.amountDue;
  }
  ctx.store.put('invoices', invoice);
  ctx.emit('invoice.created', invoice);
  return invoice;
}

export function finalizeInvoice(ctx: Ctx, invoice: Stripe.Invoice): void {
  const customer = typeof invoice.customer === 'string' ? ctx.store.get('customers', invoice.customer) : undefined;
  // The balance "automatically applies toward the next invoice finalized to a customer".
  const startingBalance = customer?.balance ?? 0;
  const { amountDue, endingBalance } = applyBalance(invoice.total, startingBalance);
  invoice.starting_balance = startingBalance;
  invoice.amount_due = amountDue;
  invoice.amount_remaining = amountDue;
  invoice.ending_balance = endingBalance;
  invoice.automatically_finalizes_at = null;
  // What the invoice took from the credit (or, for a negative total, gave to it) is one ledger entry.
  if (customer) {
    recordBalanceTransaction(ctx, customer, {
      amount: endingBalance - startingBalance,
      type: 'applied_to_invoice',
      currency: invoice.currency,
      invoice: invoice.id,
    });
  }
  ctx.store.invoiceCounter += 1;
  const prefix = customer?.invoice_prefix ?? 'EMU';
  invoice.number = `${prefix}-${String(ctx.store.invoiceCounter).padStart(4, '0')}`;
  invoice.status = 'open';
  invoice.effective_at = ctx.store.now();
  invoice.status_transitions.finalized_at = ctx.store.now();
  invoice.hosted_invoice_url = `${ctx.baseUrl}/invoices/${invoice.id}`;
  ctx.emit('invoice.finalized', invoice);
}

/**
 * Stripe's minimum charge amounts per currency (docs.stripe.com/currencies#minimum-and-maximum-charge-amounts).
 * Currencies not listed are treated like USD.
 */
const MINIMUM_CHARGE: Record<string, number> = {
  usd: 50,
  eur: 50,
  gbp: 30,
  aud: 50,
  cad: 50,
  chf: 50,
  nzd: 50,
  sgd: 50,
  dkk: 250,
  nok: 300,
  sek: 300,
  hkd: 400,
  mxn: 1000,
  jpy: 50,
};

export function minimumCharge(currency: string): number {
  return MINIMUM_CHARGE[currency] ?? 50;
}

/** Open invoices of a subscription are retried on the account's schedule, counted from their first attempt. */
function nextRetryAt(ctx: Ctx, invoice: Stripe.Invoice): number | null {
  // A first invoice that fails leaves the subscription incomplete; Stripe does not retry it.
  if (invoice.billing_reason === 'subscription_create' || !invoice.auto_advance) return null;
  const first = invoice.status_transitions.finalized_at ?? ctx.store.now();
  for (const day of ctx.settings.retryDays) {
    const at = first + day * 86_400;
    if (at > ctx.store.now()) return at;
  }
  return null;
}

export function markPaid(ctx: Ctx, invoice: Stripe.Invoice, amountPaid = invoice.amount_due): void {
  invoice.status = 'paid';
  invoice.amount_paid = amountPaid;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = ctx.store.now();
  ctx.emit('invoice.paid', invoice);
  ctx.emit('invoice.payment_succeeded', invoice);
}

/** Charges the customer's default card for an open invoice. */
export function payInvoice(
  ctx: Ctx,
  invoice: Stripe.Invoice,
  opts: { forceFail?: boolean; description?: string } = {},
): PaymentOutcome | null {
  if (invoice.amount_due === 0) {
    markPaid(ctx, invoice);
    return null;
  }
  const customer = typeof invoice.customer === 'string' ? invoice.customer : null;
  const customerObj = customer ? ctx.store.get('customers', customer) : undefined;
  if (customerObj && invoice.amount_due < minimumCharge(invoice.currency)) {
    // Below the minimum charge Stripe marks the invoice paid and moves the amount owed to the
    // customer's balance as a debit, which the next invoice collects; nothing is due now.
    recordBalanceTransaction(ctx, customerObj, {
      amount: invoice.amount_due,
      type: 'invoice_too_small',
      currency: invoice.currency,
      invoice: invoice.id,
    });
    invoice.ending_balance = customerObj.balance;
    invoice.amount_due = 0;
    markPaid(ctx, invoice, 0);
    return null;
  }
  // The invoice's own default_payment_method first; then the customer's default card, and the
  // subscription's default_payment_method only when the customer has none (Stripe ranks the
  // subscription's first; kept this way so a card the customer saves later pays retries, see README).
  const subId = invoice.parent?.subscription_details?.subscription;
  const subCard = typeof subId === 'string' ? ctx.store.get('subscriptions', subId)?.default_payment_method : null;
  const cardById = (id: unknown) => (typeof id === 'string' ? ctx.store.cards.get(id) : undefined);
  const card =
    cardById(invoice.default_payment_method) ??
    (customer ? defaultCard(ctx, customer) : null) ??
    cardById(subCard) ??
    null;
  if (invoiceNeedsAuthentication(card)) return requireInvoiceAuthentication(ctx, invoice, card as CardRecord);
  const outcome = attemptPayment(ctx, {
    amount: invoice.amount_due,
    currency: invoice.currency,
    customer,
    card,
    description: opts.description ?? null,
    receiptEmail: invoice.customer_email,
    offSession: true,
    forceFail: opts.forceFail,
  });
  const list = ctx.store.invoicePayments.get(invoice.id) ?? [];
  list.push(outcome.paymentIntent.id);
  ctx.store.invoicePayments.set(invoice.id, list);
  invoice.attempt_count += 1;
  invoice.attempted = true;
  if (outcome.error) {
    invoice.next_payment_attempt = nextRetryAt(ctx, invoice);
    ctx.emit('invoice.payment_failed', invoice);
  } else {
    markPaid(ctx, invoice);
  }
  return outcome;
}

export function voidInvoice(ctx: Ctx, invoice: Stripe.Invoice): void {
  // A voided invoice gives back the credit it used (or takes back the credit it created).
  const customer = typeof invoice.customer === 'string' ? ctx.store.get('customers', invoice.customer) : undefined;
  const applied = appliedBalance(invoice);
  if (customer && applied !== 0 && invoice.status !== 'draft') {
    recordBalanceTransaction(ctx, customer, {
      amount: -applied,
      type: 'unapplied_from_invoice',
      currency: invoice.currency,
      invoice: invoice.id,
    });
  }
  invoice.status = 'void';
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.voided_at = ctx.store.now();
  ctx.emit('invoice.voided', invoice);
}

/** Creates, finalizes and pays an invoice: what Stripe does for charge_automatically subscriptions. */
export function billNow(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineSpec[],
  reason: Stripe.Invoice.BillingReason,
  opts: { forceFail?: boolean } = {},
): { invoice: Stripe.Invoice; outcome: PaymentOutcome | null } {
  const invoice = createInvoice(ctx, sub, lines, reason);
  finalizeInvoice(ctx, invoice);
  const description =
    reason === 'subscription_create'
      ? 'Subscription creation'
      : reason === 'subscription_cycle'
        ? 'Subscription cycle'
        : 'Subscription update';
  sub.latest_invoice = invoice.id;
  // send_invoice: finalized and left open for the customer to pay; only a zero invoice is settled.
  if (invoice.collection_method === 'send_invoice' && invoice.amount_due > 0) return { invoice, outcome: null };
  const outcome = payInvoice(ctx, invoice, { forceFail: opts.forceFail, description });
  return { invoice, outcome };
}

/** A draft now (invoice.created); finalization (and payment) come an hour later on the clock. */
export function draftInvoice(
  ctx: Ctx,
  sub: Stripe.Subscription,
  lines: LineSpec[],
  reason: Stripe.Invoice.BillingReason,
): Stripe.Invoice {
  const invoice = createInvoice(ctx, sub, lines, reason, {
    finalizesAt: ctx.store.now() + RENEWAL_FINALIZATION_DELAY_SECONDS,
  });
  sub.latest_invoice = invoice.id;
  return invoice;
}

/** A renewal: see draftInvoice. */
export function draftRenewal(ctx: Ctx, sub: Stripe.Subscription, lines: LineSpec[]): Stripe.Invoice {
  return draftInvoice(ctx, sub, lines, 'subscription_cycle');
}
