import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import type { Ctx } from '../context.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterMissing } from '../http/errors.js';
import { paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { priceProductId, unitAmountIn } from './prices.js';
import { decimalString, mustGet } from './util.js';
import { accept } from './accept.js';
import { recompute } from '../billing/standalone-invoices.js';

const CREATE = 'customer amount currency description metadata invoice period pricing quantity discountable';
const UPDATE = 'amount description metadata period pricing quantity discountable';

/** The draft invoice an item belongs to, which must still be editable. */
function editableInvoice(ctx: Ctx, ii: Stripe.InvoiceItem): Stripe.Invoice | null {
  if (!ii.invoice) return null;
  const invoice = mustGet(ctx, 'invoices', ii.invoice as string, 'invoice');
  if (invoice.status !== 'draft') {
    throw invalidRequest(
      `The invoice item ${ii.id} is on invoice ${invoice.id}, which is no longer a draft.`,
      undefined,
      'invoice_not_editable',
    );
  }
  return invoice;
}

function applyAmount(ctx: Ctx, ii: Stripe.InvoiceItem, p: Params): void {
  const pricing = p.obj('pricing');
  const quantity = p.int('quantity', { min: 0 });
  if (quantity !== undefined) ii.quantity = quantity;
  pricing?.allowOnly(['price']);
  const priceId = pricing?.str('price');
  const amount = p.int('amount');
  if (priceId && amount !== undefined) {
    throw invalidRequest('You may only specify one of these parameters: amount, pricing[price].', 'amount');
  }
  if (priceId) {
    const price = mustGet(ctx, 'prices', priceId, 'pricing[price]');
    const unit = unitAmountIn(price, ii.currency);
    if (unit === null)
      throw invalidRequest(
        `The price \`${price.id}\` does not support the currency \`${ii.currency}\`.`,
        'pricing[price]',
      );
    ii.pricing = {
      type: 'price_details',
      price_details: { price: price.id, product: priceProductId(price) },
      unit_amount_decimal: decimalString(unit),
    };
  }
  if (amount !== undefined) {
    ii.amount = amount;
    ii.pricing = { type: 'price_details', unit_amount_decimal: decimalString(amount) } as Stripe.InvoiceItem.Pricing;
  } else if (ii.pricing?.price_details || quantity !== undefined) {
    ii.amount = Number(ii.pricing?.unit_amount_decimal ?? 0) * ii.quantity;
  }
  ii.quantity_decimal = decimalString(ii.quantity);
  const period = p.obj('period');
  if (period) ii.period = { start: period.reqInt('start'), end: period.reqInt('end') };
  const description = p.nullableStr('description');
  if (description !== undefined) ii.description = description;
  const discountable = p.bool('discountable');
  if (discountable !== undefined) ii.discountable = discountable;
  ii.metadata = mergeMetadata(ii.metadata, p.metadata());
}

export function registerInvoiceItems(r: Router): void {
  r.add('POST', '/v1/invoiceitems', ({ ctx, params: p }) => {
    accept(p, 'InvoiceItemCreateParams', CREATE);
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const invoiceId = p.str('invoice');
    const invoice = invoiceId ? mustGet(ctx, 'invoices', invoiceId, 'invoice') : null;
    const priceId = p.obj('pricing')?.str('price');
    const price = priceId ? mustGet(ctx, 'prices', priceId, 'pricing[price]') : null;
    const currency = (p.str('currency') ?? invoice?.currency ?? price?.currency)?.toLowerCase();
    if (!currency) throw parameterMissing('currency');
    if (!priceId && !p.has('amount')) throw parameterMissing('amount');
    const now = ctx.store.now();
    const ii: Stripe.InvoiceItem = {
      id: newId('ii'),
      object: 'invoiceitem',
      amount: 0,
      currency,
      customer: customer.id,
      customer_account: null,
      date: now,
      description: null,
      discountable: true,
      discounts: [],
      invoice: invoice?.id ?? null,
      livemode: false,
      metadata: {},
      parent: null,
      period: { start: now, end: now },
      pricing: null,
      proration: false,
      quantity: 1,
      quantity_decimal: decimalString(1),
      tax_rates: [],
      test_clock: null,
    };
    if (invoice) {
      editableInvoice(ctx, ii);
      if (invoice.customer !== customer.id) throw invalidRequest('The invoice belongs to another customer.', 'invoice');
      if (invoice.currency !== currency)
        throw invalidRequest(`The currency must match the invoice's (${invoice.currency}).`, 'currency');
    }
    applyAmount(ctx, ii, p);
    if (!ii.description && price) ii.description = ctx.store.get('products', priceProductId(price))?.name ?? null;
    ctx.store.put('invoiceitems', ii);
    ctx.emit('invoiceitem.created', ii);
    if (invoice) recompute(ctx, invoice);
    ctx.changed();
    return ii;
  });
  r.add('GET', '/v1/invoiceitems/:id', ({ ctx, path }) => mustGet(ctx, 'invoiceitems', path[0] ?? ''));
  r.add('POST', '/v1/invoiceitems/:id', ({ ctx, path, params: p }) => {
    accept(p, 'InvoiceItemUpdateParams', UPDATE);
    const ii = mustGet(ctx, 'invoiceitems', path[0] ?? '');
    const invoice = editableInvoice(ctx, ii);
    applyAmount(ctx, ii, p);
    if (invoice) recompute(ctx, invoice);
    ctx.changed();
    return ii;
  });
  r.add('DELETE', '/v1/invoiceitems/:id', ({ ctx, path }) => {
    const ii = mustGet(ctx, 'invoiceitems', path[0] ?? '');
    const invoice = editableInvoice(ctx, ii);
    ctx.store.delete('invoiceitems', ii.id);
    ctx.emit('invoiceitem.deleted', ii);
    if (invoice) recompute(ctx, invoice);
    ctx.changed();
    return { id: ii.id, object: 'invoiceitem', deleted: true };
  });
  r.add('GET', '/v1/invoiceitems', ({ ctx, params: p, url }) => {
    accept(p, 'InvoiceItemListParams', 'customer invoice pending limit starting_after ending_before');
    const customer = p.str('customer');
    const invoice = p.str('invoice');
    const pending = p.bool('pending');
    // Invoice items carry `date` instead of `created`; insertion order is creation order.
    const items = ctx.store
      .all('invoiceitems')
      .filter((x) => !customer || x.customer === customer)
      .filter((x) => !invoice || x.invoice === invoice)
      .filter((x) => pending === undefined || (x.invoice === null) === pending);
    return paginate([...items].reverse(), p, url);
  });
}
