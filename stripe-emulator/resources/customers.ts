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
    balance: fields.balance ?? 0,
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
  if (balance !== undefined) customer.balance = balance;
  customer.metadata = mergeMetadata(customer.metadata, p.metadata());
  const prev = diff(before, customer);
  if (prev) ctx.emit('customer.updated', customer, prev);
}

export function registerCustomers(r: Router): void {
  r.add('POST', '/v1/customers', ({ ctx, params: p }) => {
    refuseUnimplemented(p, 'customerCreate');
    return createCustomer(ctx, {
      email: p.nullableStr('email'),
      name: p.nullableStr('name'),
      description: p.nullableStr('description'),
      phone: p.nullableStr('phone'),
      balance: p.int('balance'),
      metadata: mergeMetadata(null, p.metadata()),
    });
  });
  r.add('GET', '/v1/customers/:id', ({ ctx, path }) => mustGet(ctx, 'customers', path[0] ?? ''));
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
