import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import type Stripe from 'stripe';
import { newId } from '../ids.js';
import { cardFingerprint } from './fingerprint.js';

/** How a test card behaves, following Stripe's documented test numbers. */
export type CardBehavior =
  | { kind: 'ok' }
  | { kind: 'decline'; code: string; decline: string; message: string }
  | { kind: 'three_d_secure' } // on-session payments need a challenge; saved for later it charges fine
  | { kind: 'attach_ok_charge_fails' };

export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  threeDSecure: '4000002500003155',
  insufficientFunds: '4000000000009995',
  chargeFailsLater: '4000000000000341',
} as const;

export function normalizeCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

function luhnValid(num: string): boolean {
  if (!/^\d{12,19}$/.test(num)) return false;
  let sum = 0;
  for (let i = 0; i < num.length; i++) {
    let d = Number(num[num.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

const DECLINED = 'Your card was declined.';

export function cardBehavior(number: string): CardBehavior {
  switch (number) {
    case TEST_CARDS.declined:
      return { kind: 'decline', code: 'card_declined', decline: 'generic_decline', message: DECLINED };
    case TEST_CARDS.insufficientFunds:
      return {
        kind: 'decline',
        code: 'card_declined',
        decline: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
      };
    case TEST_CARDS.threeDSecure:
      return { kind: 'three_d_secure' };
    case TEST_CARDS.chargeFailsLater:
      return { kind: 'attach_ok_charge_fails' };
  }
  if (!luhnValid(number)) {
    return {
      kind: 'decline',
      code: 'incorrect_number',
      decline: 'incorrect_number',
      message: 'Your card number is incorrect.',
    };
  }
  return { kind: 'ok' };
}

function brandOf(number: string): string {
  if (number.startsWith('4')) return 'visa';
  if (/^5[1-5]/.test(number) || /^2[2-7]/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  return 'unknown';
}

/** Saves the card as a payment method (kept internal; only its pm_ id is exposed). */
export function saveCard(
  ctx: Ctx,
  number: string,
  customer: string | null,
  exp?: { month: number; year: number },
): CardRecord {
  const card: CardRecord = {
    id: newId('pm'),
    number,
    last4: number.slice(-4),
    brand: brandOf(number),
    exp_month: exp?.month ?? 12,
    exp_year: exp?.year ?? new Date(ctx.store.now() * 1000).getUTCFullYear() + 3,
    customer,
  };
  ctx.store.cards.set(card.id, card);
  const pm: Stripe.PaymentMethod = {
    id: card.id,
    object: 'payment_method',
    allow_redisplay: 'unspecified',
    billing_details: {
      address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null },
      email: null,
      name: null,
      phone: null,
      tax_id: null,
    },
    card: {
      brand: card.brand,
      checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
      country: 'US',
      display_brand: card.brand,
      exp_month: card.exp_month,
      exp_year: card.exp_year,
      fingerprint: cardFingerprint(card.number),
      funding: 'credit',
      generated_from: null,
      last4: card.last4,
      networks: { available: [card.brand], preferred: null },
      regulated_status: 'unregulated',
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: ctx.store.now(),
    customer: null,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: 'card',
  };
  ctx.store.put('payment_methods', pm);
  if (customer) attachCard(ctx, card, customer);
  return card;
}

/** Attaches a saved card to a customer as their default (payment_method.attached). */
export function attachCard(ctx: Ctx, card: CardRecord, customer: string): void {
  card.customer = customer;
  ctx.store.defaultCards.set(customer, card.id);
  const pm = ctx.store.get('payment_methods', card.id);
  if (pm && pm.customer !== customer) {
    pm.customer = customer;
    ctx.emit('payment_method.attached', pm);
  }
}

export function defaultCard(ctx: Ctx, customer: string): CardRecord | null {
  const id = ctx.store.defaultCards.get(customer);
  return id ? (ctx.store.cards.get(id) ?? null) : null;
}
