import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { newId } from '../ids.js';

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
      return { kind: 'decline', code: 'card_declined', decline: 'insufficient_funds', message: 'Your card has insufficient funds.' };
    case TEST_CARDS.threeDSecure:
      return { kind: 'three_d_secure' };
    case TEST_CARDS.chargeFailsLater:
      return { kind: 'attach_ok_charge_fails' };
  }
  if (!luhnValid(number)) {
    return { kind: 'decline', code: 'incorrect_number', decline: 'incorrect_number', message: 'Your card number is incorrect.' };
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
export function saveCard(ctx: Ctx, number: string, customer: string | null, exp?: { month: number; year: number }): CardRecord {
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
  if (customer) ctx.store.defaultCards.set(customer, card.id);
  return card;
}

export function defaultCard(ctx: Ctx, customer: string): CardRecord | null {
  const id = ctx.store.defaultCards.get(customer);
  return id ? (ctx.store.cards.get(id) ?? null) : null;
}
