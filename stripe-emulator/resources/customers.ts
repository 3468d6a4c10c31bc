import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import { mergeMetadata } from '../http/params.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { mustGet } from './util.js';
import { refuseUnimplemented } from './known-params.js';
import { invalidRequest, resourceMissing } from '../http/errors.js';
import { cancelNow } from '../billing/subscriptions.js';
import { resolvePaymentMethod } from '../billing/test-payment-methods.js';
import { attachToCustomer } from './payment-methods.js';
import { recordBalanceTransaction } from '../billing/customer-balance.js';
import { accept } from './accept.js';

export function createCustomer(
  ctx: Ctx,
  fields: {
    email?: string | null;
    name?: string | null;
    metadata?: Record<string, string>;
    description?: string | null;
    phone?: string | null;
    /** Invoice balance: negative is credit, positive is owed and added to the next invoice. */
    balance?: number;
  },
): Stripe.Customer {
  const customer: Stripe.Customer = {
    id: newId('cus', 14),
    object: 'customer',
    address: null,
    balance: 0,
    created: ctx.store.now(),
    currency: null,
    default_source: null,
    delinquent: false,
    description: fields.description ?? null,
    discount: null,
    email: fields.email ?? null,
    invoice_prefix: newId('X', 6).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: fields.metadata ?? {},
    name: fields.name ?? null,
    next_invoice_sequence: 1,
    phone: fields.phone ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
  ctx.store.put('customers', customer);
  // A balance given at creation is the ledger's `initial` entry.
  recordBalanceTransaction(ctx, customer, { amount: fields.balance ?? 0, type: 'initial' }, false);
  ctx.emit('customer.created', customer);
  return customer;
}

function applyUpdate(ctx: Ctx, customer: Stripe.Customer, p: Params): void {
  refuseUnimplemented(p, 'customerUpdate');
  const before = structuredClone(customer);
  const email = p.nullableStr('email');
  if (email !== undefined) customer.email = email;
  const name = p.nullableStr('name');
  if (name !== undefined) customer.name = name;
  const description = p.nullableStr('description');
  if (description !== undefined) customer.description = description;
  const phone = p.nullableStr('phone');
  if (phone !== undefined) customer.phone = phone;
  const balance = p.int('balance');
  // Setting `balance` directly is an `adjustment` of the difference, as on Stripe.
  if (balance !== undefined) {
    recordBalanceTransaction(ctx, customer, { amount: balance - customer.balance, type: 'adjustment' }, false);
  }
  customer.metadata = mergeMetadata(customer.metadata, p.metadata());
  setInvoiceSettings(ctx, customer, p);
  const prev = diff(before, customer);
  if (prev) ctx.emit('customer.updated', customer, prev);
}

/** `invoice_settings[default_payment_method]`: the card invoices and renewals charge. */
function setInvoiceSettings(ctx: Ctx, customer: Stripe.Customer, p: Params): void {
  const settings = p.obj('invoice_settings');
  if (!settings) return;
  settings.allowOnly(['default_payment_method']);
  const pmId = settings.nullableStr('default_payment_method');
  if (pmId === undefined) return;
  if (pmId === null) {
    customer.invoice_settings.default_payment_method = null;
    ctx.store.defaultCards.delete(customer.id);
    return;
  }
  const pm = ctx.store.get('payment_methods', pmId);
  if (!pm) throw resourceMissing('PaymentMethod', pmId, 'invoice_settings[default_payment_method]');
  if (pm.customer !== customer.id) {
    throw invalidRequest(
      `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
      'invoice_settings[default_payment_method]',
      'resource_missing',
    );
  }
  customer.invoice_settings.default_payment_method = pmId;
  ctx.store.defaultCards.set(customer.id, pmId);
}

/** DELETE: Stripe cancels the customer's subscriptions at once and answers a deleted stub. */
function deleteCustomer(ctx: Ctx, customer: Stripe.Customer): Stripe.DeletedCustomer {
  for (const sub of ctx.store.all('subscriptions')) {
    if (sub.customer === customer.id && sub.status !== 'canceled' && sub.status !== 'incomplete_expired') {
      cancelNow(ctx, sub);
    }
  }
  for (const pm of ctx.store.all('payment_methods')) {
    if (pm.customer !== customer.id) continue;
    pm.customer = null;
    const card = ctx.store.cards.get(pm.id);
    if (card) card.customer = null;
  }
  ctx.store.defaultCards.delete(customer.id);
  ctx.store.delete('customers', customer.id);
  const stub: Stripe.DeletedCustomer = { id: customer.id, object: 'customer', deleted: true };
  ctx.store.put('deleted_customers', stub);
  ctx.emit('customer.deleted', customer);
  ctx.changed();
  return stub;
}

/** `/v1/customers/{id}/balance_transactions`: the customer's invoice balance ledger. */
function registerBalanceTransactions(r: Router): void {
  const mustGetTransaction = (ctx: Ctx, customerId: string, id: string) => {
    mustGet(ctx, 'customers', customerId, 'customer');
    const transaction = ctx.store.get('customer_balance_transactions', id);
    if (!transaction || transaction.customer !== customerId) {
      throw resourceMissing('customer_balance_transaction', id);
    }
    return transaction;
  };
  r.add('POST', '/v1/customers/:id/balance_transactions', ({ ctx, path, params: p }) => {
    accept(p, 'CustomerCreateBalanceTransactionParams', 'amount currency description metadata');
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    const amount = p.reqInt('amount');
    const currency = p.reqStr('currency').toLowerCase();
    if (customer.currency && customer.currency !== currency) {
      throw invalidRequest(
        `The currency ${currency} does not match the customer's currency ${customer.currency}.`,
        'currency',
      );
    }
    if (amount === 0) throw invalidRequest('The amount must not be zero.', 'amount');
    const transaction = recordBalanceTransaction(ctx, customer, {
      amount,
      type: 'adjustment',
      currency,
      description: p.nullableStr('description') ?? null,
      metadata: mergeMetadata(null, p.metadata()),
    });
    ctx.changed();
    return transaction;
  });
  r.add('GET', '/v1/customers/:id/balance_transactions/:txn', ({ ctx, path }) =>
    mustGetTransaction(ctx, path[0] ?? '', path[1] ?? ''),
  );
  r.add('POST', '/v1/customers/:id/balance_transactions/:txn', ({ ctx, path, params: p }) => {
    accept(p, 'CustomerUpdateBalanceTransactionParams', 'description metadata');
    const transaction = mustGetTransaction(ctx, path[0] ?? '', path[1] ?? '');
    const description = p.nullableStr('description');
    if (description !== undefined) transaction.description = description;
    transaction.metadata = mergeMetadata(transaction.metadata, p.metadata());
    ctx.changed();
    return transaction;
  });
  r.add('GET', '/v1/customers/:id/balance_transactions', ({ ctx, path, params: p, url }) => {
    accept(p, 'CustomerListBalanceTransactionsParams', 'created invoice limit starting_after ending_before');
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    const invoice = p.str('invoice');
    const items = ctx.store
      .all('customer_balance_transactions')
      .filter((x) => x.customer === customer.id)
      .filter(createdFilter(p))
      .filter((x) => !invoice || x.invoice === invoice);
    return paginate(newestFirst(items), p, url);
  });
}

export function registerCustomers(r: Router): void {
  registerBalanceTransactions(r);
  r.add('DELETE', '/v1/customers/:id', ({ ctx, path }) =>
    deleteCustomer(ctx, mustGet(ctx, 'customers', path[0] ?? '')),
  );
  r.add('POST', '/v1/customers', ({ ctx, params: p }) => {
    refuseUnimplemented(p, 'customerCreate');
    const pmId = p.str('payment_method');
    const card = pmId ? resolvePaymentMethod(ctx, pmId, 'payment_method') : null;
    const created = createCustomer(ctx, {
      email: p.nullableStr('email'),
      name: p.nullableStr('name'),
      description: p.nullableStr('description'),
      phone: p.nullableStr('phone'),
      balance: p.int('balance'),
      metadata: mergeMetadata(null, p.metadata()),
    });
    if (card) attachToCustomer(ctx, card, created.id);
    const before = structuredClone(created);
    setInvoiceSettings(ctx, created, p);
    const prev = diff(before, created);
    if (prev) ctx.emit('customer.updated', created, prev);
    return created;
  });
  r.add('GET', '/v1/customers/:id', ({ ctx, path }) => {
    const deleted = ctx.store.get('deleted_customers', path[0] ?? '');
    return deleted ?? mustGet(ctx, 'customers', path[0] ?? '');
  });
  r.add('POST', '/v1/customers/:id', ({ ctx, params, path }) => {
    const customer = mustGet(ctx, 'customers', path[0] ?? '');
    applyUpdate(ctx, customer, params);
    return customer;
  });
  r.add('GET', '/v1/customers', ({ ctx, params: p, url }) => {
    const email = p.str('email');
    const items = ctx.store
      .all('customers')
      .filter(createdFilter(p))
      .filter((c) => !email || c.email === email);
    return paginate(newestFirst(items), p, url);
  });
}
