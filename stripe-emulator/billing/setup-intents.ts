import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { ApiError, invalidRequest } from '../http/errors.js';
import { newId } from '../ids.js';
import { intentCardBehavior } from './test-payment-methods.js';
import { authenticationAction } from './payment-intents.js';
import { attachToCustomer } from '../resources/payment-methods.js';

/**
 * SetupIntents save a card for later without charging it (docs.stripe.com/payments/setup-intents):
 * requires_payment_method → requires_confirmation → (requires_action) → succeeded, or canceled.
 * Success attaches the PaymentMethod to the intent's customer.
 */
export function newSetupIntent(
  ctx: Ctx,
  a: {
    customer: string | null;
    description: string | null;
    metadata: Record<string, string>;
    usage: 'off_session' | 'on_session';
    types: string[] | null;
    allowRedirects: 'always' | 'never';
  },
): Stripe.SetupIntent {
  const id = newId('seti');
  const si: Stripe.SetupIntent = {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: a.types as Stripe.SetupIntent['allowed_payment_method_types'],
    application: null,
    attach_to_self: false,
    automatic_payment_methods: a.types ? null : { allow_redirects: a.allowRedirects, enabled: true },
    cancellation_reason: null,
    client_secret: `${id}_secret_${newId('s').slice(2)}`,
    created: ctx.store.now(),
    customer: a.customer,
    customer_account: null,
    description: a.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: a.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { mandate_options: null, network: null, request_three_d_secure: 'automatic' },
    } as Stripe.SetupIntent.PaymentMethodOptions,
    payment_method_types: ['card'],
    single_use_mandate: null,
    status: 'requires_payment_method',
    usage: a.usage,
  };
  ctx.store.put('setup_intents', si);
  return si;
}

export function confirmSetupIntent(ctx: Ctx, si: Stripe.SetupIntent, authenticated?: boolean): Stripe.SetupIntent {
  const pmId = typeof si.payment_method === 'string' ? si.payment_method : si.payment_method?.id;
  const card = pmId ? ctx.store.cards.get(pmId) : undefined;
  if (!card) {
    throw invalidRequest(
      "You cannot confirm this SetupIntent because it's missing a payment method. Update the SetupIntent with a payment method and then confirm it again.",
      'payment_method',
      'setup_intent_unexpected_state',
    );
  }
  const behavior = intentCardBehavior(card.number);
  const fail = (code: string, message: string, declineCode?: string): never => {
    si.status = 'requires_payment_method';
    si.next_action = null;
    si.last_setup_error = {
      type: 'card_error',
      code,
      decline_code: declineCode,
      message,
      doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, '-')}`,
      payment_method: ctx.store.get('payment_methods', card.id),
    } as Stripe.SetupIntent.LastSetupError;
    ctx.emit('setup_intent.setup_failed', si);
    ctx.changed();
    throw new ApiError(402, {
      type: 'card_error',
      code,
      decline_code: declineCode,
      message,
      setup_intent: structuredClone(si),
    });
  };
  if (authenticated === false) {
    return fail(
      'setup_intent_authentication_failure',
      'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
    );
  }
  // Saving a card checks it; only a card the issuer always declines fails (funds are not checked).
  if (behavior.kind === 'decline' && behavior.decline !== 'insufficient_funds') {
    return fail(behavior.code, behavior.message, behavior.decline);
  }
  const needsAuth = behavior.kind === 'three_d_secure' || behavior.kind === 'always_authenticate';
  if (needsAuth && authenticated !== true) {
    si.status = 'requires_action';
    si.next_action = authenticationAction(ctx, si.id) as Stripe.SetupIntent.NextAction;
    ctx.emit('setup_intent.requires_action', si);
    ctx.changed();
    return si;
  }
  si.status = 'succeeded';
  si.next_action = null;
  si.last_setup_error = null;
  if (typeof si.customer === 'string') attachToCustomer(ctx, card, si.customer);
  ctx.emit('setup_intent.succeeded', si);
  ctx.changed();
  return si;
}

export function cancelSetupIntent(
  ctx: Ctx,
  si: Stripe.SetupIntent,
  reason: Stripe.SetupIntent.CancellationReason | null,
): Stripe.SetupIntent {
  if (si.status === 'succeeded' || si.status === 'canceled' || si.status === 'processing') {
    throw invalidRequest(
      `You cannot cancel this SetupIntent because it has a status of ${si.status}. Only a SetupIntent with one of the following statuses may be canceled: requires_payment_method, requires_confirmation, requires_action.`,
      undefined,
      'setup_intent_unexpected_state',
    );
  }
  si.status = 'canceled';
  si.cancellation_reason = reason;
  si.next_action = null;
  ctx.emit('setup_intent.canceled', si);
  ctx.changed();
  return si;
}
