import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import type { Ctx } from '../context.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterMissing } from '../http/errors.js';
import { newPaymentIntent } from '../billing/payments.js';
import { resolvePaymentMethod } from '../billing/test-payment-methods.js';
import { cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent } from '../billing/payment-intents.js';
import { minimumCharge } from '../billing/invoices.js';
import { settleInvoiceOf } from '../billing/invoice-authentication.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';

const CREATE =
  'amount currency customer description metadata receipt_email payment_method confirm off_session setup_future_usage capture_method allowed_payment_method_types automatic_payment_methods return_url error_on_requires_action';
const UPDATE =
  'amount currency customer description metadata receipt_email payment_method setup_future_usage capture_method';
const CONFIRM =
  'payment_method off_session return_url setup_future_usage capture_method error_on_requires_action receipt_email';
const CANCEL_REASONS = ['duplicate', 'fraudulent', 'requested_by_customer', 'abandoned'] as const;

/** Only card payments exist here; any other type is refused rather than pretended. */
function paymentMethodTypes(p: Params): string[] | undefined {
  const types = p.strList('allowed_payment_method_types');
  if (!types) return undefined;
  for (const t of types) {
    if (t !== 'card') {
      throw invalidRequest(
        `The payment method type \`${t}\` is not supported by the local Stripe (stripe-emulator); only \`card\` is.`,
        'allowed_payment_method_types',
        'parameter_unsupported',
      );
    }
  }
  return types;
}

function setPaymentMethod(ctx: Ctx, pi: Stripe.PaymentIntent, p: Params): void {
  const id = p.nullableStr('payment_method');
  if (id === undefined) return;
  if (id === null) {
    pi.payment_method = null;
    pi.status = 'requires_payment_method';
    return;
  }
  const card = resolvePaymentMethod(ctx, id);
  const customer = typeof pi.customer === 'string' ? pi.customer : null;
  if (card.customer && card.customer !== customer) {
    throw invalidRequest(
      `The provided PaymentMethod belongs to a Customer (${card.customer}) that is not the Customer of this PaymentIntent.`,
      'payment_method',
    );
  }
  pi.payment_method = card.id;
  pi.status = 'requires_confirmation';
}

function setReturnUrl(ctx: Ctx, pi: Stripe.PaymentIntent, p: Params): void {
  const url = p.str('return_url');
  if (url) ctx.store.billing.intentReturnUrls[pi.id] = url;
}

/**
 * Stripe refuses to confirm an intent that may redirect (automatic payment methods with redirects
 * allowed) without somewhere to come back to.
 */
function requireReturnUrl(ctx: Ctx, pi: Stripe.PaymentIntent): void {
  const apm = pi.automatic_payment_methods;
  if (apm?.enabled && apm.allow_redirects !== 'never' && !ctx.store.billing.intentReturnUrls[pi.id]) {
    throw invalidRequest(
      'This PaymentIntent is configured to accept payment methods enabled in your Dashboard, some of which may require a full page redirect to succeed. If you do not want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents. If you do want to accept redirect-based payment methods, set the `return_url` parameter when confirming a PaymentIntent.',
      'return_url',
    );
  }
}

function applyFields(ctx: Ctx, pi: Stripe.PaymentIntent, p: Params): void {
  const amount = p.int('amount', { min: 1 });
  if (amount !== undefined) pi.amount = amount;
  const currency = p.str('currency');
  if (currency) pi.currency = currency.toLowerCase();
  const customer = p.nullableStr('customer');
  if (customer) pi.customer = mustGet(ctx, 'customers', customer, 'customer').id;
  else if (customer === null) pi.customer = null;
  const description = p.nullableStr('description');
  if (description !== undefined) pi.description = description;
  const receipt = p.nullableStr('receipt_email');
  if (receipt !== undefined) pi.receipt_email = receipt;
  pi.metadata = mergeMetadata(pi.metadata, p.metadata());
  const sfu = p.oneOf('setup_future_usage', ['off_session', 'on_session', ''] as const);
  if (sfu !== undefined) pi.setup_future_usage = sfu === '' ? null : sfu;
  const capture = p.oneOf('capture_method', ['automatic', 'automatic_async', 'manual'] as const);
  if (capture) pi.capture_method = capture;
  if (pi.amount < minimumCharge(pi.currency)) {
    throw invalidRequest(
      `Amount must be at least ${minimumCharge(pi.currency)} ${pi.currency}`,
      'amount',
      'amount_too_small',
    );
  }
}

function confirm(ctx: Ctx, pi: Stripe.PaymentIntent, p: Params): Stripe.PaymentIntent {
  // `off_session` is a boolean, or on create `one_off` / `recurring`; either way the customer is away.
  const rawOff = p.oneOf('off_session', ['true', 'false', 'one_off', 'recurring'] as const);
  const offSession = rawOff !== undefined && rawOff !== 'false';
  if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
    throw invalidRequest(
      `This PaymentIntent's status is ${pi.status}, but it must be one of requires_payment_method, requires_confirmation, or requires_action to be confirmed.`,
      undefined,
      'payment_intent_unexpected_state',
    );
  }
  if (!offSession) requireReturnUrl(ctx, pi);
  confirmPaymentIntent(ctx, pi, { offSession });
  if (pi.status === 'requires_action' && p.bool('error_on_requires_action')) {
    throw invalidRequest(
      'This payment required an authentication action to complete, but `error_on_requires_action` was set.',
      undefined,
      'authentication_required',
    );
  }
  return pi;
}

function shapeNewIntent(ctx: Ctx, pi: Stripe.PaymentIntent, p: Params, types: string[] | undefined): void {
  // Without explicit types Stripe enables automatic payment methods (redirects allowed) by default.
  const apm = p.obj('automatic_payment_methods');
  if (types && apm) {
    throw invalidRequest(
      'You may only specify one of these parameters: allowed_payment_method_types, automatic_payment_methods.',
      'automatic_payment_methods',
    );
  }
  if (types) {
    pi.allowed_payment_method_types = types;
    pi.payment_method_types = types;
  } else {
    const redirects = apm?.oneOf('allow_redirects', ['always', 'never'] as const) ?? 'always';
    pi.automatic_payment_methods = { allow_redirects: redirects, enabled: true };
  }
  applyFields(ctx, pi, p);
  setPaymentMethod(ctx, pi, p);
  setReturnUrl(ctx, pi, p);
}

export function registerPaymentIntents(r: Router): void {
  r.add('POST', '/v1/payment_intents', ({ ctx, params: p }) => {
    accept(p, 'PaymentIntentCreateParams', CREATE);
    const amount = p.reqInt('amount', { min: 1 });
    const currency = p.reqStr('currency').toLowerCase();
    const types = paymentMethodTypes(p);
    if (p.has('off_session') && !p.bool('confirm')) {
      throw invalidRequest('off_session can only be used with confirm=true.', 'off_session');
    }
    // Created quietly, so payment_intent.created carries the intent as the request made it; a
    // request refused half way leaves no intent behind.
    const pi = newPaymentIntent(
      { ...ctx, emit: (() => undefined) as unknown as Ctx['emit'] },
      {
        amount,
        currency,
        customer: null,
      },
    );
    try {
      shapeNewIntent(ctx, pi, p, types);
    } catch (e) {
      ctx.store.delete('payment_intents', pi.id);
      throw e;
    }
    ctx.emit('payment_intent.created', pi);
    ctx.changed();
    if (p.bool('confirm')) {
      if (!pi.payment_method) throw parameterMissing('payment_method');
      return confirm(ctx, pi, p);
    }
    return pi;
  });
  r.add('POST', '/v1/payment_intents/:id', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentIntentUpdateParams', UPDATE);
    const pi = mustGet(ctx, 'payment_intents', path[0] ?? '', 'intent');
    const onlyNotes = Object.keys(p.raw).every((k) => ['metadata', 'description', 'expand'].includes(k));
    if (!onlyNotes && !['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(pi.status)) {
      throw invalidRequest(
        `You cannot update this PaymentIntent because it has a status of ${pi.status}.`,
        undefined,
        'payment_intent_unexpected_state',
      );
    }
    applyFields(ctx, pi, p);
    setPaymentMethod(ctx, pi, p);
    ctx.changed();
    return pi;
  });
  r.add('POST', '/v1/payment_intents/:id/confirm', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentIntentConfirmParams', CONFIRM);
    const pi = mustGet(ctx, 'payment_intents', path[0] ?? '', 'intent');
    const sfu = p.oneOf('setup_future_usage', ['off_session', 'on_session'] as const);
    if (sfu) pi.setup_future_usage = sfu;
    const capture = p.oneOf('capture_method', ['automatic', 'automatic_async', 'manual'] as const);
    if (capture) pi.capture_method = capture;
    const receipt = p.str('receipt_email');
    if (receipt) pi.receipt_email = receipt;
    setPaymentMethod(ctx, pi, p);
    setReturnUrl(ctx, pi, p);
    confirm(ctx, pi, p);
    settleInvoiceOf(ctx, pi);
    return pi;
  });
  r.add('POST', '/v1/payment_intents/:id/capture', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentIntentCaptureParams', 'amount_to_capture metadata');
    const pi = mustGet(ctx, 'payment_intents', path[0] ?? '', 'intent');
    pi.metadata = mergeMetadata(pi.metadata, p.metadata());
    return capturePaymentIntent(ctx, pi, p.int('amount_to_capture', { min: 0 }));
  });
  r.add('POST', '/v1/payment_intents/:id/cancel', ({ ctx, path, params: p }) => {
    accept(p, 'PaymentIntentCancelParams', 'cancellation_reason');
    const pi = mustGet(ctx, 'payment_intents', path[0] ?? '', 'intent');
    return cancelPaymentIntent(ctx, pi, p.oneOf('cancellation_reason', CANCEL_REASONS) ?? null);
  });
}
