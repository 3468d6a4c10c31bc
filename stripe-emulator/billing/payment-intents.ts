import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { ApiError, invalidRequest } from '../http/errors.js';
import { attemptPayment, newCharge, type PaymentOutcome } from './payments.js';
import { intentCardBehavior } from './test-payment-methods.js';
import { attachToCustomer } from '../resources/payment-methods.js';

/**
 * The PaymentIntent status machine for API-driven card payments (docs.stripe.com/payments/paymentintents/lifecycle):
 * requires_payment_method → requires_confirmation → (requires_action) → requires_capture | succeeded, or canceled.
 * Card payments never pass through `processing` on Stripe, so neither do they here.
 */

const unexpectedState = (message: string, param?: string) =>
  invalidRequest(message, param, 'payment_intent_unexpected_state');

/** The 3-D Secure challenge page for an intent, served by the local Stripe. */
export function challengeUrl(ctx: Ctx, intentId: string): string {
  return `${ctx.baseUrl}/3ds/${intentId}`;
}

/** Stripe's `next_action`: a redirect when the confirmation gave a return_url, Stripe.js handling otherwise. */
export function authenticationAction(ctx: Ctx, intentId: string): Stripe.PaymentIntent.NextAction {
  const url = challengeUrl(ctx, intentId);
  const returnUrl = ctx.store.billing.intentReturnUrls[intentId];
  if (returnUrl) return { type: 'redirect_to_url', redirect_to_url: { return_url: returnUrl, url } };
  return {
    type: 'use_stripe_sdk',
    use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: url },
  } as Stripe.PaymentIntent.NextAction;
}

/** The 402 Stripe answers when confirming fails, carrying the intent as the client exposes it. */
export function paymentError(pi: Stripe.PaymentIntent): ApiError {
  const e = pi.last_payment_error;
  return new ApiError(402, {
    type: 'card_error',
    code: e?.code,
    decline_code: e?.decline_code,
    message: e?.message ?? 'Your card was declined.',
    doc_url: e?.doc_url,
    payment_intent: structuredClone(pi),
  });
}

const AUTH_REQUIRED = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

function recordFailure(ctx: Ctx, pi: Stripe.PaymentIntent, card: CardRecord, error: PaymentOutcome['error']): void {
  const charge = newCharge(ctx, pi, card, error);
  pi.latest_charge = charge.id;
  pi.status = 'requires_payment_method';
  pi.next_action = null;
  pi.last_payment_error = {
    type: 'card_error',
    code: error?.code,
    decline_code: error?.decline_code,
    message: error?.message,
    charge: charge.id,
    doc_url: `https://stripe.com/docs/error-codes/${(error?.code ?? '').replace(/_/g, '-')}`,
    payment_method: ctx.store.get('payment_methods', card.id),
  } as Stripe.PaymentIntent.LastPaymentError;
  ctx.emit('charge.failed', charge);
  ctx.emit('payment_intent.payment_failed', pi);
}

/** Authorises without capturing (capture_method=manual): the charge waits for capture. */
function authorizeOnly(ctx: Ctx, pi: Stripe.PaymentIntent, card: CardRecord): void {
  const charge = newCharge(ctx, pi, card, null);
  charge.captured = false;
  charge.amount_captured = 0;
  charge.balance_transaction = null;
  pi.latest_charge = charge.id;
  pi.status = 'requires_capture';
  pi.amount_capturable = pi.amount;
  pi.next_action = null;
  pi.last_payment_error = null;
  ctx.emit('charge.succeeded', charge);
  ctx.emit('payment_intent.amount_capturable_updated', pi);
}

function cardOf(ctx: Ctx, pi: Stripe.PaymentIntent): CardRecord {
  const id = typeof pi.payment_method === 'string' ? pi.payment_method : pi.payment_method?.id;
  const card = id ? ctx.store.cards.get(id) : undefined;
  if (!card) {
    throw unexpectedState(
      "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with the customer's payment method, please specify a payment_method.",
      'payment_method',
    );
  }
  return card;
}

export interface ConfirmOptions {
  offSession: boolean;
  /** The 3-D Secure challenge was completed (true) or failed (false); undefined = none answered. */
  authenticated?: boolean;
}

/**
 * One confirmation attempt. Returns the intent; a declined card throws Stripe's 402 after the state
 * change is recorded (the intent goes back to requires_payment_method with last_payment_error).
 */
export function confirmPaymentIntent(ctx: Ctx, pi: Stripe.PaymentIntent, opts: ConfirmOptions): Stripe.PaymentIntent {
  const card = cardOf(ctx, pi);
  const behavior = intentCardBehavior(card.number);
  const needsAuth =
    opts.authenticated !== true &&
    (behavior.kind === 'always_authenticate' || (behavior.kind === 'three_d_secure' && !opts.offSession));
  if (opts.authenticated === false) {
    // A failed challenge never reaches the card network: no charge (attemptPayment records it so).
    attemptPayment(ctx, {
      paymentIntent: pi,
      amount: pi.amount,
      currency: pi.currency,
      customer: pi.customer as string | null,
      card,
      offSession: false,
      authenticationFailed: true,
    });
    return pi;
  }
  if (needsAuth && opts.offSession) {
    recordFailure(ctx, pi, card, AUTH_REQUIRED);
    ctx.changed();
    throw paymentError(pi);
  }
  if (needsAuth) {
    pi.status = 'requires_action';
    pi.next_action = authenticationAction(ctx, pi.id);
    ctx.emit('payment_intent.requires_action', pi);
    ctx.changed();
    return pi;
  }
  const declines = behavior.kind === 'decline' || behavior.kind === 'attach_ok_charge_fails';
  if (pi.capture_method === 'manual' && !declines) {
    authorizeOnly(ctx, pi, card);
  } else {
    const outcome = attemptPayment(ctx, {
      paymentIntent: pi,
      amount: pi.amount,
      currency: pi.currency,
      customer: pi.customer as string | null,
      card,
      offSession: opts.offSession,
    });
    if (outcome.error) {
      const pm = ctx.store.get('payment_methods', card.id);
      if (pi.last_payment_error && pm) pi.last_payment_error.payment_method = pm;
      ctx.changed();
      throw paymentError(pi);
    }
  }
  // setup_future_usage saves the card on the customer once a payment with it succeeds.
  if (pi.setup_future_usage && typeof pi.customer === 'string') attachToCustomer(ctx, card, pi.customer);
  ctx.changed();
  return pi;
}

export function capturePaymentIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  amountToCapture?: number,
): Stripe.PaymentIntent {
  if (pi.status !== 'requires_capture') {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const amount = amountToCapture ?? pi.amount_capturable;
  if (amount > pi.amount_capturable) {
    throw invalidRequest(
      `The amount_to_capture (${amount}) must be less than or equal to the amount_capturable (${pi.amount_capturable}).`,
      'amount_to_capture',
      'amount_too_large',
    );
  }
  const charge = ctx.store.get('charges', pi.latest_charge as string);
  if (charge) {
    charge.captured = true;
    charge.amount_captured = amount;
    // Stripe releases the uncaptured remainder as a refund of the charge.
    charge.amount_refunded = charge.amount - amount;
    charge.refunded = amount === 0;
    charge.balance_transaction = charge.balance_transaction ?? `txn_${charge.id.slice(3)}`;
    if (charge.payment_method_details?.card) charge.payment_method_details.card.amount_authorized = charge.amount;
    ctx.emit('charge.captured', charge);
  }
  pi.amount_received = amount;
  pi.amount_capturable = 0;
  pi.status = 'succeeded';
  ctx.emit('payment_intent.succeeded', pi);
  ctx.changed();
  return pi;
}

const CANCELABLE = [
  'requires_payment_method',
  'requires_capture',
  'requires_confirmation',
  'requires_action',
  'processing',
];

export function cancelPaymentIntent(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  reason: Stripe.PaymentIntent.CancellationReason | null,
): Stripe.PaymentIntent {
  if (!CANCELABLE.includes(pi.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${CANCELABLE.join(', ')}.`,
    );
  }
  if (pi.status === 'requires_capture') {
    const charge = ctx.store.get('charges', pi.latest_charge as string);
    if (charge) {
      const before = structuredClone(charge);
      charge.amount_refunded = charge.amount;
      charge.refunded = true;
      ctx.emit('charge.refunded', charge, { amount_refunded: before.amount_refunded, refunded: before.refunded });
    }
  }
  pi.status = 'canceled';
  pi.canceled_at = ctx.store.now();
  pi.cancellation_reason = reason;
  pi.amount_capturable = 0;
  pi.next_action = null;
  ctx.emit('payment_intent.canceled', pi);
  ctx.changed();
  return pi;
}
