import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { mergeMetadata } from '../http/params.js';
import { ApiError, invalidRequest, parameterMissing, resourceMissing } from '../http/errors.js';
import { newestFirst, paginate } from '../http/list.js';
import { cardFromParams, intentCardBehavior, resolvePaymentMethod } from '../billing/test-payment-methods.js';
import type { CardRecord } from '../state.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';

/** Attaches a PaymentMethod to a customer (payment_method.attached); does not make it the default. */
export function attachToCustomer(ctx: Ctx, card: CardRecord, customerId: string): Stripe.PaymentMethod {
  const pm = mustGet(ctx, 'payment_methods', card.id, 'payment_method');
  if (pm.customer === customerId) return pm;
  if (pm.customer) {
    throw invalidRequest(
      'The payment method you provided has already been attached to a customer.',
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  card.customer = customerId;
  pm.customer = customerId;
  ctx.emit('payment_method.attached', pm);
  ctx.changed();
  return pm;
}

/** Attaching runs a card check: a card that is always declined cannot be saved (Stripe's 0002). */
export function checkCardOnAttach(card: CardRecord): void {
  const b = intentCardBehavior(card.number);
  if (b.kind === 'decline' && b.decline !== 'insufficient_funds') {
    throw new ApiError(402, {
      type: 'card_error',
      code: b.code,
      decline_code: b.decline,
      message: b.message,
      param: '',
      doc_url: `https://stripe.com/docs/error-codes/${b.code.replace(/_/g, '-')}`,
    });
  }
}

export function detachFromCustomer(ctx: Ctx, pm: Stripe.PaymentMethod): Stripe.PaymentMethod {
  if (!pm.customer) {
    throw invalidRequest(
      `The payment method you provided is not attached to a customer so detachment is impossible.`,
      'payment_method',
      'payment_method_unexpected_state',
    );
  }
  const customerId = pm.customer as string;
  const before = structuredClone(pm);
  pm.customer = null;
  const card = ctx.store.cards.get(pm.id);
  if (card) card.customer = null;
  if (ctx.store.defaultCards.get(customerId) === pm.id) ctx.store.defaultCards.delete(customerId);
  const customer = ctx.store.get('customers', customerId);
  if (customer && customer.invoice_settings.default_payment_method === pm.id) {
    const c0 = structuredClone(customer);
    customer.invoice_settings.default_payment_method = null;
    const prev = diff(c0, customer);
    if (prev) ctx.emit('customer.updated', customer, prev);
  }
  ctx.emit('payment_method.detached', pm, diff(before, pm));
  ctx.changed();
  return pm;
}

export function registerPaymentMethods(r: Router): void {
  r.add('POST', '/v1/payment_methods', ({ ctx, params: p }) => {
    accept(p, 'PaymentMethodCreateParams', 'type card billing_details metadata');
    const type = p.reqStr('type');
    if (type !== 'card') {
      throw invalidRequest(
        `The local Stripe (stripe-emulator) supports only type=card PaymentMethods, not \`${type}\`.`,
        'type',
        'parameter_unsupported',
      );
    }
    const c = p.obj('card');
    if (!c) throw parameterMissing('card');
    c.allowOnly(['token', 'number', 'exp_month', 'exp_year', 'cvc']);
    const card = cardFromParams(ctx, {
      token: c.str('token'),
      number: c.str('number'),
      exp_month: c.int('exp_month', { min: 1, max: 12 }),
      exp_year: c.int('exp_year'),
    });
    const pm = mustGet(ctx, 'payment_methods', card.id);
    pm.metadata = mergeMetadata(null, p.metadata());
    const bd = p.obj('billing_details');
    if (bd) {
      bd.allowOnly(['email', 'name', 'phone']);
      pm.billing_details.email = bd.nullableStr('email') ?? null;
      pm.billing_details.name = bd.nullableStr('name') ?? null;
      pm.billing_details.phone = bd.nullableStr('phone') ?? null;
    }
    ctx.changed();
    return pm;
  });
  r.add('GET', '/v1/payment_methods/:id', ({ ctx, path }) =>
    mustGet(ctx, 'payment_methods', path[0] ?? '', 'payment_method'),
  );
  r.add('POST', '/v1/payment_methods/:id', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentMethodUpdateParams', 'metadata billing_details');
    const pm = mustGet(ctx, 'payment_methods', path[0] ?? '', 'payment_method');
    const before = structuredClone(pm);
    pm.metadata = mergeMetadata(pm.metadata, p.metadata());
    const bd = p.obj('billing_details');
    if (bd) {
      bd.allowOnly(['email', 'name', 'phone']);
      for (const k of ['email', 'name', 'phone'] as const) {
        const v = bd.nullableStr(k);
        if (v !== undefined) pm.billing_details[k] = v;
      }
    }
    const prev = diff(before, pm);
    if (prev) ctx.emit('payment_method.updated', pm, prev);
    return pm;
  });
  r.add('POST', '/v1/payment_methods/:id/attach', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentMethodAttachParams', 'customer');
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const card = resolvePaymentMethod(ctx, path[0] ?? '', 'payment_method');
    checkCardOnAttach(card);
    return attachToCustomer(ctx, card, customer.id);
  });
  r.add('POST', '/v1/payment_methods/:id/detach', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentMethodDetachParams', '');
    return detachFromCustomer(ctx, mustGet(ctx, 'payment_methods', path[0] ?? '', 'payment_method'));
  });
  r.add('GET', '/v1/payment_methods', ({ ctx, params: p, url }) => {
    accept(p, 'PaymentMethodListParams', 'customer type limit starting_after ending_before');
    const customer = p.str('customer');
    const type = p.str('type');
    const items = ctx.store
      .all('payment_methods')
      .filter((pm) => !customer || pm.customer === customer)
      .filter((pm) => !type || pm.type === type);
    return paginate(newestFirst(items), p, url);
  });
  r.add('GET', '/v1/customers/:id/payment_methods', ({ ctx, path, params: p, url }) => {
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    return paginate(newestFirst(ctx.store.all('payment_methods').filter((pm) => pm.customer === customer.id)), p, url);
  });
  r.add('GET', '/v1/customers/:id/payment_methods/:pm', ({ ctx, path }) => {
    const customer = mustGet(ctx, 'customers', path[0] ?? '', 'customer');
    const pm = ctx.store.get('payment_methods', path[1] ?? '');
    if (!pm || pm.customer !== customer.id) throw resourceMissing('PaymentMethod', path[1] ?? '', 'payment_method');
    return pm;
  });
}
