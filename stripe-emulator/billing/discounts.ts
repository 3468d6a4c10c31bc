import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import type { Params } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';
import { newId } from '../ids.js';
import { addInterval } from './time.js';

/**
 * Coupons and promotion codes applied as `discounts` (docs.stripe.com/billing/subscriptions/coupons):
 * a percentage or a fixed amount off the invoice (or Checkout) subtotal; `once` applies to one
 * invoice, `repeating` for duration_in_months, `forever` to every invoice.
 */

export interface DiscountChoice {
  coupon: Stripe.Coupon;
  promotionCode: Stripe.PromotionCode | null;
}

const invalidCoupon = (message: string, param: string) => invalidRequest(message, param, 'coupon_expired');

export function couponUsable(ctx: Ctx, coupon: Stripe.Coupon, param: string): void {
  const now = ctx.store.now();
  if (coupon.redeem_by !== null && coupon.redeem_by <= now) {
    throw invalidCoupon(`Coupon ${coupon.id} can no longer be redeemed.`, param);
  }
  if (coupon.max_redemptions !== null && coupon.times_redeemed >= coupon.max_redemptions) {
    throw invalidCoupon(`Coupon ${coupon.id} has reached its maximum number of redemptions.`, param);
  }
}

/** The coupon's validity as Stripe reports it in `valid`. */
export function refreshValid(ctx: Ctx, coupon: Stripe.Coupon): void {
  const now = ctx.store.now();
  coupon.valid =
    (coupon.redeem_by === null || coupon.redeem_by > now) &&
    (coupon.max_redemptions === null || coupon.times_redeemed < coupon.max_redemptions);
}

function customerHasPaid(ctx: Ctx, customer: string | null): boolean {
  return !!customer && ctx.store.all('charges').some((c) => c.customer === customer && c.paid);
}

/** Parses `discounts[n][coupon | promotion_code]`, checking each can be redeemed now. */
export function parseDiscounts(
  ctx: Ctx,
  list: Params[] | undefined,
  context: { customer: string | null; amount: number; currency: string },
): DiscountChoice[] {
  if (!list) return [];
  if (list.length > 1) {
    throw invalidRequest(
      'The local Stripe (stripe-emulator) applies at most one discount.',
      'discounts',
      'parameter_unsupported',
    );
  }
  return list.map((d) => {
    d.allowOnly(['coupon', 'promotion_code', 'discount']);
    if (d.has('discount')) {
      throw invalidRequest(
        'Reusing an existing discount is not supported by the local Stripe (stripe-emulator).',
        d.name('discount'),
        'parameter_unsupported',
      );
    }
    const couponId = d.str('coupon');
    const promoId = d.str('promotion_code');
    if (couponId && promoId) {
      throw invalidRequest('You may only specify one of these parameters: coupon, promotion_code.', d.name('coupon'));
    }
    if (promoId) {
      const promo = ctx.store.get('promotion_codes', promoId);
      if (!promo)
        throw invalidRequest(`No such promotion code: '${promoId}'`, d.name('promotion_code'), 'resource_missing');
      const now = ctx.store.now();
      if (!promo.active || (promo.expires_at !== null && promo.expires_at <= now)) {
        throw invalidRequest(
          `This promotion code is not active.`,
          d.name('promotion_code'),
          'promotion_code_inactive' as string,
        );
      }
      if (promo.max_redemptions !== null && promo.times_redeemed >= promo.max_redemptions) {
        throw invalidRequest(
          `This promotion code has been fully redeemed.`,
          d.name('promotion_code'),
          'promotion_code_inactive',
        );
      }
      if (promo.customer && promo.customer !== context.customer) {
        throw invalidRequest('This promotion code cannot be redeemed by this customer.', d.name('promotion_code'));
      }
      const r = promo.restrictions;
      if (r.first_time_transaction && customerHasPaid(ctx, context.customer)) {
        throw invalidRequest('This promotion code is only valid for first-time customers.', d.name('promotion_code'));
      }
      if (
        r.minimum_amount !== null &&
        r.minimum_amount_currency === context.currency &&
        context.amount < r.minimum_amount
      ) {
        throw invalidRequest(
          `This promotion code requires a minimum amount of ${r.minimum_amount}.`,
          d.name('promotion_code'),
        );
      }
      const coupon = ctx.store.get('coupons', promo.promotion.coupon as string);
      if (!coupon)
        throw invalidRequest(
          `No such coupon: '${String(promo.promotion.coupon)}'`,
          d.name('promotion_code'),
          'resource_missing',
        );
      couponUsable(ctx, coupon, d.name('promotion_code'));
      return { coupon, promotionCode: promo };
    }
    if (!couponId)
      throw invalidRequest('Missing required param: coupon or promotion_code.', d.name('coupon'), 'parameter_missing');
    const coupon = ctx.store.get('coupons', couponId);
    if (!coupon) throw invalidRequest(`No such coupon: '${couponId}'`, d.name('coupon'), 'resource_missing');
    couponUsable(ctx, coupon, d.name('coupon'));
    if (coupon.amount_off !== null && coupon.currency !== context.currency) {
      throw invalidRequest(
        `The coupon ${coupon.id} is in ${coupon.currency}, which does not match the currency ${context.currency}.`,
        d.name('coupon'),
      );
    }
    return { coupon, promotionCode: null };
  });
}

/** Amount a coupon takes off a subtotal (never more than the subtotal). */
export function discountAmount(coupon: Stripe.Coupon, subtotal: number): number {
  if (subtotal <= 0) return 0;
  const off =
    coupon.percent_off !== null ? Math.round((subtotal * coupon.percent_off) / 100) : (coupon.amount_off ?? 0);
  return Math.min(off, subtotal);
}

/** Redeems a choice: a Discount object, and the redemption counted on the coupon and promotion code. */
export function redeem(
  ctx: Ctx,
  choice: DiscountChoice,
  on: {
    customer: string | null;
    subscription?: string | null;
    invoice?: string | null;
    checkoutSession?: string | null;
  },
): Stripe.Discount {
  const now = ctx.store.now();
  const { coupon, promotionCode } = choice;
  coupon.times_redeemed += 1;
  refreshValid(ctx, coupon);
  if (promotionCode) promotionCode.times_redeemed += 1;
  const discount: Stripe.Discount = {
    id: newId('di'),
    object: 'discount',
    checkout_session: on.checkoutSession ?? null,
    customer: on.customer,
    customer_account: null,
    end:
      coupon.duration === 'repeating' && coupon.duration_in_months
        ? addInterval(now, 'month', coupon.duration_in_months)
        : null,
    invoice: on.invoice ?? null,
    invoice_item: null,
    promotion_code: promotionCode?.id ?? null,
    source: { coupon: coupon.id, type: 'coupon' },
    start: now,
    subscription: on.subscription ?? null,
    subscription_item: null,
  };
  ctx.store.put('discounts', discount);
  ctx.changed();
  return discount;
}

function discountIds(list: Array<string | { id: string }> | null | undefined): string[] {
  return (list ?? []).map((d) => (typeof d === 'string' ? d : d.id));
}

/**
 * Applies discounts to an invoice's totals (total_discount_amounts, total, amount_due via the caller).
 * A subscription's `once` discount is used up by the first invoice it applies to.
 */
export function applyInvoiceDiscounts(ctx: Ctx, invoice: Stripe.Invoice, sub: Stripe.Subscription | null): void {
  const now = ctx.store.now();
  const ids = sub ? discountIds(sub.discounts) : discountIds(invoice.discounts);
  let remaining = invoice.subtotal;
  const amounts: Stripe.Invoice.TotalDiscountAmount[] = [];
  for (const id of ids) {
    const discount = ctx.store.get('discounts', id);
    const couponId = discount?.source.coupon as string | undefined;
    const coupon = couponId
      ? (ctx.store.get('coupons', couponId) ?? ctx.store.get('deleted_coupons', couponId))
      : undefined;
    if (!discount || !coupon || (discount.end !== null && discount.end <= now)) continue;
    const amount = discountAmount(coupon, remaining);
    remaining -= amount;
    amounts.push({ amount, discount: id });
    if (sub && coupon.duration === 'once' && invoice.subtotal > 0) {
      sub.discounts = discountIds(sub.discounts).filter((x) => x !== id);
    }
  }
  if (sub) invoice.discounts = amounts.map((a) => a.discount as string);
  invoice.total_discount_amounts = amounts;
  invoice.total = remaining;
  invoice.total_excluding_tax = remaining;
}
