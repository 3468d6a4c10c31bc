import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import type { Ctx } from '../context.js';
import { parseDiscounts, redeem } from '../billing/discounts.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';
import { diff } from '../context.js';
import { voidInvoice } from '../billing/invoices.js';
import {
  createDraftInvoice,
  finalizeDraft,
  itemsOf,
  markUncollectible,
  recompute,
  requireDraft,
} from '../billing/standalone-invoices.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';

const CREATE =
  'customer currency auto_advance collection_method days_until_due description metadata default_payment_method pending_invoice_items_behavior discounts';
const UPDATE = 'auto_advance collection_method days_until_due description metadata default_payment_method discounts';

/** `discounts` on a draft: redeemed now, applied to its totals whenever they are recomputed. */
function setDiscounts(ctx: Ctx, invoice: Stripe.Invoice, p: Params, emit = true): void {
  if (!p.has('discounts')) return;
  const customer = invoice.customer as string;
  const choices =
    p.raw.discounts === ''
      ? []
      : parseDiscounts(ctx, p.list('discounts'), {
          customer,
          amount: invoice.subtotal,
          currency: invoice.currency,
        });
  invoice.discounts = choices.map((c) => redeem(ctx, c, { customer, invoice: invoice.id }).id);
  recompute(ctx, invoice, emit);
}

/** Invoices created, edited and moved through their states by the integration itself. */
export function registerDraftInvoices(r: Router): void {
  r.add('POST', '/v1/invoices', ({ ctx, params: p }) => {
    accept(p, 'InvoiceCreateParams', CREATE);
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const collection =
      p.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const) ?? 'charge_automatically';
    const days = p.int('days_until_due', { min: 0 });
    if (collection === 'send_invoice' && days === undefined) {
      throw invalidRequest(
        'Missing required param: days_until_due (or due_date) for collection_method=send_invoice.',
        'days_until_due',
      );
    }
    const pmId = p.str('default_payment_method');
    if (pmId) mustGet(ctx, 'payment_methods', pmId, 'default_payment_method');
    const include = p.oneOf('pending_invoice_items_behavior', ['exclude', 'include'] as const) === 'include';
    const pendingCurrency = include
      ? ctx.store.all('invoiceitems').find((ii) => ii.customer === customer.id && ii.invoice === null)?.currency
      : undefined;
    const invoice = createDraftInvoice(ctx, {
      customer,
      currency: (p.str('currency') ?? pendingCurrency ?? customer.currency ?? 'usd').toLowerCase(),
      autoAdvance: p.bool('auto_advance') ?? false,
      collection,
      daysUntilDue: days ?? null,
      description: p.nullableStr('description') ?? null,
      metadata: mergeMetadata(null, p.metadata()),
      defaultPaymentMethod: pmId ?? null,
      includePending: include,
    });
    setDiscounts(ctx, invoice, p);
    return invoice;
  });
  r.add('POST', '/v1/invoices/:id', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceUpdateParams', UPDATE);
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    const notesOnly = Object.keys(p.raw).every((k) => ['metadata', 'description', 'expand'].includes(k));
    if (!notesOnly) requireDraft(invoice, 'change this field of');
    const before = structuredClone(invoice);
    invoice.metadata = mergeMetadata(invoice.metadata, p.metadata());
    const description = p.nullableStr('description');
    if (description !== undefined) invoice.description = description;
    const auto = p.bool('auto_advance');
    if (auto !== undefined) invoice.auto_advance = auto;
    const collection = p.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const);
    if (collection) invoice.collection_method = collection;
    const days = p.int('days_until_due', { min: 0 });
    if (days !== undefined) invoice.due_date = invoice.created + days * 86_400;
    if (invoice.collection_method === 'charge_automatically') invoice.due_date = null;
    const pm = p.nullableStr('default_payment_method');
    if (pm) mustGet(ctx, 'payment_methods', pm, 'default_payment_method');
    if (pm !== undefined) invoice.default_payment_method = pm;
    setDiscounts(ctx, invoice, p, false);
    const prev = diff(before, invoice);
    if (prev) ctx.emit('invoice.updated', invoice, prev);
    ctx.changed();
    return invoice;
  });
  r.add('DELETE', '/v1/invoices/:id', ({ ctx, path }) => {
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    requireDraft(invoice, 'delete');
    // Its invoice items go back to pending, as on Stripe.
    for (const ii of itemsOf(ctx, invoice.id)) ii.invoice = null;
    ctx.store.delete('invoices', invoice.id);
    ctx.emit('invoice.deleted', invoice);
    ctx.changed();
    return { id: invoice.id, object: 'invoice', deleted: true };
  });
  r.add('POST', '/v1/invoices/:id/finalize', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceFinalizeInvoiceParams', 'auto_advance');
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    if (invoice.parent === null && invoice.status === 'draft') recompute(ctx, invoice, false);
    return finalizeDraft(ctx, invoice, p.bool('auto_advance'));
  });
  r.add('POST', '/v1/invoices/:id/void', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceVoidInvoiceParams', '');
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
      throw invalidRequest(
        `You can only void an open or uncollectible invoice; this invoice is ${invoice.status}.`,
        undefined,
        'invoice_not_open',
      );
    }
    voidInvoice(ctx, invoice);
    ctx.changed();
    return invoice;
  });
  r.add('POST', '/v1/invoices/:id/mark_uncollectible', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceMarkUncollectibleParams', '');
    return markUncollectible(ctx, mustGet(ctx, 'invoices', path[0] ?? '', 'invoice'));
  });
  r.add('POST', '/v1/invoices/:id/send', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceSendInvoiceParams', '');
    const invoice = mustGet(ctx, 'invoices', path[0] ?? '', 'invoice');
    if (invoice.collection_method !== 'send_invoice') {
      throw invalidRequest(
        "You can only manually send an invoice if its collection method is 'send_invoice'.",
        undefined,
        'invoice_not_editable',
      );
    }
    if (invoice.status === 'draft') finalizeDraft(ctx, invoice);
    if (invoice.status !== 'open') {
      throw invalidRequest(
        `You can only send an open invoice; this invoice is ${invoice.status}.`,
        undefined,
        'invoice_not_open',
      );
    }
    ctx.emit('invoice.sent', invoice);
    ctx.changed();
    return invoice;
  });
}
