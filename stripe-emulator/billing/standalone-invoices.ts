import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { invalidRequest } from '../http/errors.js';
import { decimalString } from '../resources/util.js';
import { applyInvoiceDiscounts } from './discounts.js';
import { applyBalance, createInvoice, finalizeInvoice, payInvoice } from './invoices.js';

/**
 * Invoices an integration builds itself (POST /v1/invoices and /v1/invoiceitems), outside any
 * subscription: a draft collects invoice items, is finalized (numbered, balance applied), then paid,
 * voided or marked uncollectible. Subscription invoices keep their own code in invoices.ts.
 */

export function itemsOf(ctx: Ctx, invoiceId: string): Stripe.InvoiceItem[] {
  return ctx.store.all('invoiceitems').filter((ii) => ii.invoice === invoiceId);
}

function lineOf(ii: Stripe.InvoiceItem, invoiceId: string): Stripe.InvoiceLineItem {
  return {
    id: `il_${ii.id.slice(3)}`,
    object: 'line_item',
    amount: ii.amount,
    currency: ii.currency,
    description: ii.description,
    discount_amounts: [],
    discountable: ii.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: { ...(ii.metadata ?? {}) },
    parent: {
      type: 'invoice_item_details',
      invoice_item_details: {
        invoice_item: ii.id,
        proration: false,
        proration_details: { credited_items: null },
        subscription: null,
      },
      subscription_item_details: null,
    },
    period: ii.period,
    pretax_credit_amounts: [],
    pricing: ii.pricing as Stripe.InvoiceLineItem['pricing'],
    quantity: ii.quantity,
    quantity_decimal: decimalString(ii.quantity),
    subscription: null,
    subtotal: ii.amount,
    taxes: [],
  };
}

/** Rebuilds a draft's lines and totals from its invoice items; invoice.updated when they changed. */
export function recompute(ctx: Ctx, invoice: Stripe.Invoice, emit = true): void {
  const before = structuredClone(invoice);
  const lines = itemsOf(ctx, invoice.id).map((ii) => lineOf(ii, invoice.id));
  invoice.lines = { ...invoice.lines, data: lines };
  const subtotal = lines.reduce((s, l) => s + l.amount, 0);
  invoice.subtotal = subtotal;
  invoice.subtotal_excluding_tax = subtotal;
  invoice.total = subtotal;
  invoice.total_excluding_tax = subtotal;
  invoice.total_discount_amounts = [];
  applyInvoiceDiscounts(ctx, invoice, null);
  const customer = typeof invoice.customer === 'string' ? ctx.store.get('customers', invoice.customer) : undefined;
  const { amountDue } = applyBalance(invoice.total, customer?.balance ?? 0);
  invoice.starting_balance = customer?.balance ?? 0;
  invoice.amount_due = amountDue;
  invoice.amount_remaining = amountDue;
  const prev = diff(before, invoice);
  if (emit && prev) ctx.emit('invoice.updated', invoice, prev);
}

/**
 * Stripe adds a customer's pending invoice items (same currency) to the next invoice a subscription
 * creates: how usage or one-off charges ride on a renewal.
 */
export function sweepPendingInvoiceItems(ctx: Ctx, invoice: Stripe.Invoice): void {
  const items = ctx.store
    .all('invoiceitems')
    .filter((ii) => ii.customer === invoice.customer && ii.invoice === null && ii.currency === invoice.currency);
  if (!items.length) return;
  let added = 0;
  for (const ii of items) {
    ii.invoice = invoice.id;
    invoice.lines.data.push(lineOf(ii, invoice.id));
    added += ii.amount;
  }
  invoice.subtotal += added;
  invoice.subtotal_excluding_tax = invoice.subtotal;
  invoice.total += added;
  invoice.total_excluding_tax = invoice.total;
  const { amountDue } = applyBalance(invoice.total, invoice.starting_balance);
  invoice.amount_due = amountDue;
  invoice.amount_remaining = amountDue;
}

export function createDraftInvoice(
  ctx: Ctx,
  a: {
    customer: Stripe.Customer;
    currency: string;
    autoAdvance: boolean;
    collection: 'charge_automatically' | 'send_invoice';
    daysUntilDue: number | null;
    description: string | null;
    metadata: Record<string, string>;
    defaultPaymentMethod: string | null;
    includePending: boolean;
  },
): Stripe.Invoice {
  // createInvoice builds Stripe's full invoice shape for a subscription; this one has no parent.
  const holder = {
    id: '',
    customer: a.customer.id,
    currency: a.currency,
    metadata: {},
  } as unknown as Stripe.Subscription;
  const quiet = { ...ctx, emit: (() => undefined) as unknown as Ctx['emit'] };
  const invoice = createInvoice(quiet, holder, [], 'manual');
  invoice.parent = null;
  invoice.auto_advance = a.autoAdvance;
  invoice.collection_method = a.collection;
  invoice.description = a.description;
  invoice.metadata = a.metadata;
  invoice.default_payment_method = a.defaultPaymentMethod;
  invoice.period_start = invoice.created;
  invoice.period_end = invoice.created;
  invoice.lines.url = `/v1/invoices/${invoice.id}/lines`;
  if (a.collection === 'send_invoice') invoice.due_date = invoice.created + (a.daysUntilDue ?? 30) * 86_400;
  if (a.includePending) {
    for (const ii of ctx.store.all('invoiceitems')) {
      if (ii.customer === a.customer.id && ii.invoice === null && ii.currency === a.currency) ii.invoice = invoice.id;
    }
  }
  recompute(ctx, invoice, false);
  ctx.emit('invoice.created', invoice);
  ctx.changed();
  return invoice;
}

export function requireDraft(invoice: Stripe.Invoice, action: string): void {
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `You can only ${action} a draft invoice; this invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_editable',
    );
  }
}

/** Finalizes a draft; an invoice with nothing due is paid at once, as on Stripe. */
export function finalizeDraft(ctx: Ctx, invoice: Stripe.Invoice, autoAdvance?: boolean): Stripe.Invoice {
  requireDraft(invoice, 'finalize');
  if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
  if (invoice.parent === null) recompute(ctx, invoice, false);
  finalizeInvoice(ctx, invoice);
  if (invoice.amount_due === 0) payInvoice(ctx, invoice);
  ctx.changed();
  return invoice;
}

export function markUncollectible(ctx: Ctx, invoice: Stripe.Invoice): Stripe.Invoice {
  if (invoice.status !== 'open') {
    throw invalidRequest(
      `You can only mark an open invoice as uncollectible; this invoice is ${invoice.status}.`,
      undefined,
      'invoice_not_open',
    );
  }
  invoice.status = 'uncollectible';
  invoice.next_payment_attempt = null;
  invoice.status_transitions.marked_uncollectible_at = ctx.store.now();
  ctx.emit('invoice.marked_uncollectible', invoice);
  ctx.changed();
  return invoice;
}
