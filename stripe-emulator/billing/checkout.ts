import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { invalidRequest } from '../http/errors.js';
import { createCustomer } from '../resources/customers.js';
import { attachCard, cardBehavior, normalizeCardNumber, saveCard } from './cards.js';
import { attemptPayment, newPaymentIntent } from './payments.js';
import { createSubscription } from './subscriptions.js';
import type { CardRecord } from '../state.js';
import { completeSetupSession, redeemSessionDiscounts, sessionDiscountChoices } from './checkout-setup.js';

export interface CheckoutPayment {
  card: string;
  email?: string | null;
  name?: string | null;
  /** Outcome of a 3-D Secure challenge; undefined = no challenge answered yet. */
  threeDSecure?: 'complete' | 'fail';
  /** The HTTP helper has no browser to show a challenge, so it treats a 3DS card as authenticated. */
  autoAuthenticate?: boolean;
}

export type CheckoutResult =
  | { kind: 'complete'; session: Stripe.Checkout.Session; redirect: string | null }
  | { kind: 'requires_action'; session: Stripe.Checkout.Session }
  | {
      kind: 'failed';
      session: Stripe.Checkout.Session;
      code: string;
      declineCode?: string;
      message: string;
      paymentIntent: string | null;
    };

export function successRedirect(session: Stripe.Checkout.Session): string | null {
  return session.success_url ? session.success_url.split('{CHECKOUT_SESSION_ID}').join(session.id) : null;
}

function setDefaultCard(ctx: Ctx, customer: Stripe.Customer, card: CardRecord): void {
  attachCard(ctx, card, customer.id);
  const before = structuredClone(customer);
  customer.invoice_settings.default_payment_method = card.id;
  const prev = diff(before, customer);
  if (prev) ctx.emit('customer.updated', customer, prev);
}

/** A payment waiting for 3-D Secure: Stripe reports it with payment_intent.requires_action. */
function markRequiresAction(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  metadata: Record<string, string>,
  email: string | null,
): void {
  const existing = session.payment_intent
    ? ctx.store.get('payment_intents', session.payment_intent as string)
    : undefined;
  const pi =
    existing ??
    newPaymentIntent(ctx, {
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      customer: typeof session.customer === 'string' ? session.customer : null,
      metadata,
      receiptEmail: email,
    });
  session.payment_intent = pi.id;
  pi.status = 'requires_action';
  pi.next_action = {
    type: 'use_stripe_sdk',
    use_stripe_sdk: { type: 'three_d_secure_redirect' },
  } as Stripe.PaymentIntent.NextAction;
  ctx.emit('payment_intent.requires_action', pi);
}

/** Pays a Checkout Session as the hosted page does; shared by the page and the test helper. */
export function completeCheckout(ctx: Ctx, session: Stripe.Checkout.Session, pay: CheckoutPayment): CheckoutResult {
  if (session.status === 'expired')
    throw invalidRequest('This Checkout Session is no longer active.', 'session', 'checkout_session_expired');
  if (session.status === 'complete')
    throw invalidRequest('This Checkout Session has already been completed.', 'session', 'checkout_session_completed');
  const extras = ctx.store.checkoutExtras.get(session.id);
  if (!extras) throw invalidRequest('Checkout Session data is missing.', 'session');
  const number = normalizeCardNumber(pay.card);
  const trialNoCard =
    !number &&
    session.mode === 'subscription' &&
    session.payment_method_collection === 'if_required' &&
    (extras.subscription_data?.trial_period_days ?? 0) > 0;
  if (!number && !trialNoCard) throw invalidRequest('Your card number is incomplete.', 'card', 'incomplete_number');
  const behavior = trialNoCard ? ({ kind: 'ok' } as const) : cardBehavior(number);
  const existingCustomer =
    typeof session.customer === 'string' ? ctx.store.get('customers', session.customer) : undefined;
  const email = pay.email || session.customer_email || existingCustomer?.email || null;
  if (behavior.kind === 'three_d_secure' && !pay.threeDSecure && !pay.autoAuthenticate) {
    extras.pending_3ds = { card: number, email };
    if (session.mode === 'payment') markRequiresAction(ctx, session, extras.payment_intent_metadata, email);
    ctx.changed();
    return { kind: 'requires_action', session };
  }
  extras.pending_3ds = null;
  const authFailed = behavior.kind === 'three_d_secure' && pay.threeDSecure === 'fail';
  const trial = session.mode === 'subscription' && (extras.subscription_data?.trial_period_days ?? 0) > 0;
  const amount = session.amount_total ?? 0;
  // Trials with payment_method_collection=if_required may start without a card.
  const card = trialNoCard ? null : saveCard(ctx, number, null);
  const fail = (code: string, message: string, declineCode: string | undefined, pi: string | null): CheckoutResult => {
    extras.last_error = message;
    ctx.changed();
    return { kind: 'failed', session, code, message, declineCode, paymentIntent: pi };
  };

  if (session.mode === 'setup') {
    // Saving a card checks it: a card the issuer always declines, or a failed challenge, fails.
    if (authFailed)
      return fail(
        'setup_intent_authentication_failure',
        'We are unable to authenticate your payment method.',
        undefined,
        null,
      );
    if (behavior.kind === 'decline' && behavior.decline !== 'insufficient_funds')
      return fail(behavior.code, behavior.message, behavior.decline, null);
    completeSetupSession(ctx, session, card as CardRecord, email, pay.name ?? null);
  } else if (session.mode === 'payment') {
    const existingPi = session.payment_intent
      ? ctx.store.get('payment_intents', session.payment_intent as string)
      : undefined;
    const outcome = attemptPayment(ctx, {
      paymentIntent: existingPi,
      amount,
      currency: session.currency ?? 'usd',
      customer: existingCustomer?.id ?? null,
      card,
      metadata: extras.payment_intent_metadata,
      receiptEmail: email,
      offSession: false,
      authenticationFailed: authFailed,
    });
    session.payment_intent = outcome.paymentIntent.id;
    if (outcome.error)
      return fail(outcome.error.code, outcome.error.message, outcome.error.decline_code, outcome.paymentIntent.id);
    let customer = existingCustomer;
    if (!customer && session.customer_creation === 'always') {
      customer = createCustomer(ctx, { email, name: pay.name ?? null });
      outcome.paymentIntent.customer = customer.id;
      if (outcome.charge) outcome.charge.customer = customer.id;
    }
    if (customer && card) setDefaultCard(ctx, customer, card);
    session.customer = customer?.id ?? null;
    session.payment_status = 'paid';
    redeemSessionDiscounts(ctx, session);
  } else {
    // Subscription mode: a card that cannot pay never yields a subscription.
    if (behavior.kind === 'decline' || authFailed || (!trial && behavior.kind === 'attach_ok_charge_fails')) {
      if (trial) {
        const message = authFailed
          ? 'We are unable to authenticate your payment method.'
          : behavior.kind === 'decline'
            ? behavior.message
            : 'Your card was declined.';
        return fail(
          authFailed ? 'setup_intent_authentication_failure' : 'card_declined',
          message,
          behavior.kind === 'decline' ? behavior.decline : undefined,
          null,
        );
      }
      const outcome = attemptPayment(ctx, {
        amount,
        currency: session.currency ?? 'usd',
        customer: existingCustomer?.id ?? null,
        card,
        receiptEmail: email,
        offSession: false,
        authenticationFailed: authFailed,
      });
      const err = outcome.error ?? { code: 'card_declined', message: 'Your card was declined.' };
      return fail(err.code, err.message, err.decline_code, outcome.paymentIntent.id);
    }
    const customer = existingCustomer ?? createCustomer(ctx, { email, name: pay.name ?? null });
    if (card) setDefaultCard(ctx, customer, card);
    const sd = extras.subscription_data;
    const { sub } = createSubscription(ctx, {
      customer: customer.id,
      currency: session.currency ?? 'usd',
      items: extras.line_items.map((li) => ({ price: li.price as Stripe.Price, quantity: li.quantity ?? 1 })),
      trialDays: sd?.trial_period_days ?? null,
      metadata: { ...(sd?.metadata ?? {}) },
      billingMode: sd?.billing_mode ?? 'flexible',
      defaultPaymentMethod: card?.id ?? null,
      description: sd?.description ?? null,
      discounts: sessionDiscountChoices(ctx, session),
    });
    session.customer = customer.id;
    session.subscription = sub.id;
    session.invoice = sub.latest_invoice as string | null;
    session.payment_status = trial ? 'no_payment_required' : 'paid';
  }
  const customer = typeof session.customer === 'string' ? ctx.store.get('customers', session.customer) : undefined;
  session.customer_details = {
    address: null,
    business_name: null,
    email: email ?? customer?.email ?? null,
    individual_name: null,
    name: pay.name ?? customer?.name ?? null,
    phone: null,
    tax_exempt: 'none',
    tax_ids: [],
  };
  session.status = 'complete';
  session.url = null;
  extras.last_error = null;
  ctx.emit('checkout.session.completed', session);
  ctx.changed();
  return { kind: 'complete', session, redirect: successRedirect(session) };
}
