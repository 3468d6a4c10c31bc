import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { CardRecord } from '../state.js';
import { newSetupIntent } from './setup-intents.js';
import { attachToCustomer } from '../resources/payment-methods.js';
import { discountAmount, parseDiscounts, redeem } from './discounts.js';
import { invalidRequest } from '../http/errors.js';
import { Params } from '../http/params.js';
import { createCustomer } from '../resources/customers.js';

/** Checkout in `setup` mode owns a SetupIntent from creation, as on Stripe. */
export function checkoutSetupIntent(ctx: Ctx, customer: string | null): Stripe.SetupIntent {
  const si = newSetupIntent(ctx, {
    customer,
    description: null,
    metadata: {},
    usage: 'off_session',
    types: ['card'],
    allowRedirects: 'always',
  });
  ctx.emit('setup_intent.created', si);
  return si;
}

/**
 * Completes a setup-mode session with a card that passed its check: the SetupIntent succeeds with it
 * and, when the session has (or creates) a customer, the card is attached to them.
 */
export function completeSetupSession(
  ctx: Ctx,
  session: Stripe.Checkout.Session,
  card: CardRecord,
  email: string | null,
  name: string | null,
): void {
  let customerId = typeof session.customer === 'string' ? session.customer : null;
  if (!customerId && session.customer_creation === 'always') {
    customerId = createCustomer(ctx, { email, name }).id;
    session.customer = customerId;
  }
  const si = session.setup_intent ? ctx.store.get('setup_intents', session.setup_intent as string) : undefined;
  if (si) {
    si.payment_method = card.id;
    si.customer = customerId;
    si.status = 'succeeded';
    if (customerId) attachToCustomer(ctx, card, customerId);
    ctx.emit('setup_intent.succeeded', si);
  } else if (customerId) {
    attachToCustomer(ctx, card, customerId);
  }
  session.payment_status = 'no_payment_required';
}

/** Redeems a session's discounts when it completes (payment mode; subscriptions redeem their own). */
export function redeemSessionDiscounts(ctx: Ctx, session: Stripe.Checkout.Session): void {
  for (const choice of sessionDiscountChoices(ctx, session)) {
    redeem(ctx, choice, { customer: (session.customer as string | null) ?? null, checkoutSession: session.id });
  }
}

/** The session's discounts as choices for the subscription it creates. */
export function sessionDiscountChoices(ctx: Ctx, session: Stripe.Checkout.Session) {
  return (session.discounts ?? []).flatMap((d) => {
    const promo = d.promotion_code ? ctx.store.get('promotion_codes', d.promotion_code as string) : undefined;
    const couponId = (d.coupon as string | null) ?? (promo?.promotion.coupon as string | undefined);
    const coupon = couponId ? ctx.store.get('coupons', couponId) : undefined;
    return coupon ? [{ coupon, promotionCode: promo ?? null }] : [];
  });
}

/**
 * A promotion code typed on the hosted page of a session with `allow_promotion_codes`: checked like
 * Stripe checks it (active, not expired, redemptions left, customer and minimum rules) and applied to
 * the session's totals; redeemed when the session completes.
 */
export function applyPromotionCode(ctx: Ctx, session: Stripe.Checkout.Session, code: string): void {
  if (!session.allow_promotion_codes) {
    throw invalidRequest('This Checkout Session does not accept promotion codes.', 'promotion_code');
  }
  const promo = ctx.store
    .all('promotion_codes')
    .find((x) => x.active && x.code.toLowerCase() === code.trim().toLowerCase());
  if (!promo) throw invalidRequest('This code is invalid.', 'promotion_code', 'promotion_code_invalid');
  const subtotal = session.amount_subtotal ?? 0;
  const [choice] = parseDiscounts(ctx, [new Params({ promotion_code: promo.id }, 'discounts[0]')], {
    customer: typeof session.customer === 'string' ? session.customer : null,
    amount: subtotal,
    currency: session.currency ?? 'usd',
  });
  const off = choice ? discountAmount(choice.coupon, subtotal) : 0;
  session.discounts = [{ coupon: null, promotion_code: promo.id }];
  const trial = (ctx.store.checkoutExtras.get(session.id)?.subscription_data?.trial_period_days ?? 0) > 0;
  if (!trial) {
    session.amount_total = subtotal - off;
    if (session.total_details) session.total_details.amount_discount = off;
  }
  ctx.changed();
}
