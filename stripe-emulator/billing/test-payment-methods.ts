import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { invalidRequest, resourceMissing } from '../http/errors.js';
import { cardBehavior, normalizeCardNumber, saveCard, type CardBehavior } from './cards.js';

/**
 * Stripe's named test PaymentMethods (docs.stripe.com/testing): passing one where a PaymentMethod id
 * is expected creates a fresh PaymentMethod for that card, as Stripe does (a new `pm_` id each time).
 */
export const TEST_PAYMENT_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_amex: '378282246310005',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeCustomerFail: '4000000000000341',
  pm_card_threeDSecure2Required: '4000000000003220',
  pm_card_threeDSecureRequired: '4000002500003155',
  pm_card_authenticationRequired: '4000002760003184',
  pm_card_authenticationRequiredOnSetup: '4000002500003155',
  pm_card_createDispute: '4000000000000259',
};

/** Stripe's test tokens (`tok_...`), usable as `card[token]` when creating a PaymentMethod. */
export const TEST_TOKENS: Record<string, string> = {
  tok_visa: '4242424242424242',
  tok_visa_debit: '4000056655665556',
  tok_mastercard: '5555555555554444',
  tok_amex: '378282246310005',
  tok_chargeDeclined: '4000000000000002',
  tok_chargeDeclinedInsufficientFunds: '4000000000009995',
  tok_chargeCustomerFail: '4000000000000341',
  tok_threeDSecure2Required: '4000000000003220',
  tok_authenticationRequired: '4000002760003184',
  tok_createDispute: '4000000000000259',
};

/** Cards that ask for 3-D Secure on every payment, saved or not (Stripe's "always authenticate"). */
const ALWAYS_AUTHENTICATE = new Set(['4000002760003184', '4000000000003220']);

/**
 * How a card behaves on an API payment or setup. Extends the hosted-Checkout behaviours with the
 * cards that always authenticate: on session they need a challenge; off session they fail with
 * `authentication_required`, as Stripe's test cards do.
 */
export type IntentCardBehavior = CardBehavior | { kind: 'always_authenticate' };

export function intentCardBehavior(number: string): IntentCardBehavior {
  if (ALWAYS_AUTHENTICATE.has(number)) return { kind: 'always_authenticate' };
  return cardBehavior(number);
}

/** A payment method id, a named test payment method, or an error Stripe would give. */
export function resolvePaymentMethod(ctx: Ctx, id: string, param = 'payment_method'): CardRecord {
  const testNumber = TEST_PAYMENT_METHODS[id];
  if (testNumber) return saveCard(ctx, testNumber, null);
  const card = ctx.store.cards.get(id);
  if (!card || !ctx.store.get('payment_methods', id)) throw resourceMissing('PaymentMethod', id, param);
  return card;
}

/** `card[token]` or (test mode only) `card[number]` + expiry into a new PaymentMethod. */
export function cardFromParams(
  ctx: Ctx,
  card: { token?: string; number?: string; exp_month?: number; exp_year?: number },
): CardRecord {
  if (card.token) {
    const number = TEST_TOKENS[card.token];
    if (!number) throw resourceMissing('token', card.token, 'card[token]');
    return saveCard(ctx, number, null);
  }
  if (!card.number) throw invalidRequest('Missing required param: card[token].', 'card[token]', 'parameter_missing');
  const number = normalizeCardNumber(card.number);
  const behavior = cardBehavior(number);
  if (behavior.kind === 'decline' && behavior.code === 'incorrect_number') {
    throw invalidRequest(behavior.message, 'card[number]', 'incorrect_number');
  }
  if (card.exp_month === undefined) throw invalidRequest('Missing required param: card[exp_month].', 'card[exp_month]');
  if (card.exp_year === undefined) throw invalidRequest('Missing required param: card[exp_year].', 'card[exp_year]');
  const year = card.exp_year < 100 ? 2000 + card.exp_year : card.exp_year;
  return saveCard(ctx, number, null, { month: card.exp_month, year });
}

export function paymentMethodOf(ctx: Ctx, card: CardRecord): Stripe.PaymentMethod {
  const pm = ctx.store.get('payment_methods', card.id);
  if (!pm) throw resourceMissing('PaymentMethod', card.id, 'payment_method');
  return pm;
}
