import type Stripe from 'stripe';
import type { Ctx } from '../context.js';

/** Stripe's test card whose refunds start as `succeeded` and fail some time later. */
export const REFUND_FAILS_CARD = '4000000000005126';

/** How long after its creation a refund on that card fails (emulator seconds; advance the clock past it). */
export const REFUND_FAILURE_DELAY_SECONDS = 60;

function paidWithRefundFailingCard(ctx: Ctx, charge: Stripe.Charge): boolean {
  const pm = typeof charge.payment_method === 'string' ? charge.payment_method : null;
  return pm !== null && ctx.store.cards.get(pm)?.number === REFUND_FAILS_CARD;
}

/** Fails one refund: the money goes back to the merchant, so the charge counts it as unrefunded again. */
export function failRefund(ctx: Ctx, refund: Stripe.Refund, reason = 'declined'): void {
  if (refund.status === 'failed' || refund.status === 'canceled') return;
  const charge = typeof refund.charge === 'string' ? ctx.store.get('charges', refund.charge) : undefined;
  const prev = { status: refund.status };
  refund.status = 'failed';
  refund.failure_reason = reason;
  if (charge) {
    const chargePrev = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded = Math.max(0, charge.amount_refunded - refund.amount);
    charge.refunded = charge.amount_refunded >= charge.amount;
    ctx.emit('charge.updated', charge, chargePrev);
  }
  ctx.emit('refund.updated', refund, prev);
  ctx.emit('refund.failed', refund, prev);
  ctx.emit('charge.refund.updated', refund, prev);
  ctx.changed();
}

/** Runs before each request, like session expiry: due refunds on the 5126 card fail. */
export function sweepFailingRefunds(ctx: Ctx): void {
  const now = ctx.store.now();
  for (const refund of ctx.store.all('refunds')) {
    if (refund.status !== 'succeeded' && refund.status !== 'pending') continue;
    if (refund.created + REFUND_FAILURE_DELAY_SECONDS > now) continue;
    const charge = typeof refund.charge === 'string' ? ctx.store.get('charges', refund.charge) : undefined;
    if (charge && paidWithRefundFailingCard(ctx, charge)) failRefund(ctx, refund);
  }
}
