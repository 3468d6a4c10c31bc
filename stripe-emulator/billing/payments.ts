import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { newId } from '../ids.js';
import { cardFingerprint } from './fingerprint.js';
import { cardBehavior } from './cards.js';
import { raiseDisputeIfTestCard } from './disputes.js';

export interface PaymentAttempt {
  /** Reuse (a retry on the same Checkout Session) or create. */
  paymentIntent?: Stripe.PaymentIntent;
  amount: number;
  currency: string;
  customer: string | null;
  card: CardRecord | null;
  metadata?: Record<string, string>;
  description?: string | null;
  receiptEmail?: string | null;
  /** Renewals: 3-D Secure cards were authenticated when saved, so they just pay. */
  offSession: boolean;
  /** Test helper override: decline regardless of the card. */
  forceFail?: boolean;
  /** 3-D Secure challenge failed. */
  authenticationFailed?: boolean;
}

export interface PaymentOutcome {
  paymentIntent: Stripe.PaymentIntent;
  charge: Stripe.Charge | null;
  error: { code: string; decline_code?: string; message: string } | null;
}

export function newPaymentIntent(
  ctx: Ctx,
  a: {
    amount: number;
    currency: string;
    customer: string | null;
    metadata?: Record<string, string>;
    description?: string | null;
    receiptEmail?: string | null;
  },
): Stripe.PaymentIntent {
  const id = newId('pi');
  const pi: Stripe.PaymentIntent = {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: a.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${newId('s').slice(2)}`,
    confirmation_method: 'automatic',
    created: ctx.store.now(),
    currency: a.currency,
    customer: a.customer,
    customer_account: null,
    description: a.description ?? null,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: a.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { installments: null, mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    },
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: a.receiptEmail ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
  ctx.store.put('payment_intents', pi);
  ctx.emit('payment_intent.created', pi);
  return pi;
}

export function newCharge(
  ctx: Ctx,
  pi: Stripe.PaymentIntent,
  card: CardRecord | null,
  error: PaymentOutcome['error'],
): Stripe.Charge {
  const ok = error === null;
  const id = newId('ch');
  const charge: Stripe.Charge = {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: ok ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: ok ? newId('txn') : null,
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: pi.receipt_email,
      name: null,
      phone: null,
      tax_id: null,
    },
    calculated_statement_descriptor: 'AGILEFORGE',
    captured: ok,
    created: ctx.store.now(),
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: error?.code ?? null,
    failure_message: error?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: ok ? 'approved_by_network' : 'declined_by_network',
      reason: error?.decline_code ?? null,
      risk_level: 'normal',
      risk_score: 20,
      seller_message: ok ? 'Payment complete.' : 'The bank did not return any further details with this decline.',
      type: ok ? 'authorized' : 'issuer_declined',
    },
    paid: ok,
    payment_intent: pi.id,
    payment_method: card?.id ?? null,
    payment_method_details: card
      ? ({
          type: 'card',
          card: {
            amount_authorized: ok ? pi.amount : null,
            authorization_code: null,
            brand: card.brand,
            checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
            country: 'US',
            exp_month: card.exp_month,
            exp_year: card.exp_year,
            fingerprint: cardFingerprint(card.number),
            funding: 'credit',
            installments: null,
            last4: card.last4,
            mandate: null,
            network: card.brand,
            network_token: { used: false },
            network_transaction_id: null,
            regulated_status: 'unregulated',
            three_d_secure: null,
            wallet: null,
          },
        } as Stripe.Charge.PaymentMethodDetails)
      : null,
    radar_options: {},
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: ok ? `${ctx.baseUrl}/receipts/${id}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: ok ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
  ctx.store.put('charges', charge);
  return charge;
}

/** One payment attempt on a PaymentIntent, with the events Stripe sends for it. */
export function attemptPayment(ctx: Ctx, a: PaymentAttempt): PaymentOutcome {
  const pi =
    a.paymentIntent ??
    newPaymentIntent(ctx, {
      amount: a.amount,
      currency: a.currency,
      customer: a.customer,
      metadata: a.metadata,
      description: a.description,
      receiptEmail: a.receiptEmail,
    });
  let error: PaymentOutcome['error'] = null;
  if (a.authenticationFailed) {
    error = {
      code: 'payment_intent_authentication_failure',
      message:
        'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
    };
  } else if (!a.card) {
    error = { code: 'payment_method_missing', message: 'No payment method is available for this payment.' };
  } else if (a.forceFail) {
    error = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
  } else {
    const b = cardBehavior(a.card.number);
    if (b.kind === 'decline') error = { code: b.code, decline_code: b.decline, message: b.message };
    if (b.kind === 'attach_ok_charge_fails')
      error = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };
  }
  // Authentication failures never reach the card network, so no charge exists for them.
  const charge = error?.code === 'payment_intent_authentication_failure' ? null : newCharge(ctx, pi, a.card, error);
  pi.payment_method = a.card?.id ?? null;
  pi.next_action = null;
  if (charge) pi.latest_charge = charge.id;
  if (error) {
    pi.status = 'requires_payment_method';
    pi.last_payment_error = {
      type: 'card_error',
      code: error.code,
      decline_code: error.decline_code,
      message: error.message,
      charge: charge?.id,
      doc_url: `https://stripe.com/docs/error-codes/${error.code.replace(/_/g, '-')}`,
    } as Stripe.PaymentIntent.LastPaymentError;
    if (charge) ctx.emit('charge.failed', charge);
    ctx.emit('payment_intent.payment_failed', pi);
  } else {
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.last_payment_error = null;
    if (charge) ctx.emit('charge.succeeded', charge);
    ctx.emit('payment_intent.succeeded', pi);
    if (charge) raiseDisputeIfTestCard(ctx, charge, a.card);
  }
  ctx.changed();
  return { paymentIntent: pi, charge, error };
}
