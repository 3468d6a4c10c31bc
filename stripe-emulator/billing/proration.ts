import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { priceProductId } from '../resources/prices.js';
import { formatDate } from './time.js';
import type { LineSpec } from './invoices.js';
import { itemAmount } from './subscriptions.js';

/** Share of the item's current period still ahead, 0..1, on the emulator clock. */
export function prorationFraction(ctx: Ctx, item: Stripe.SubscriptionItem): number {
  const span = item.current_period_end - item.current_period_start;
  if (span <= 0) return 0;
  const left = item.current_period_end - ctx.store.now();
  return Math.min(1, Math.max(0, left / span));
}

export function unusedTimeLine(ctx: Ctx, sub: Stripe.Subscription, item: Stripe.SubscriptionItem): LineSpec {
  const amount = -Math.round(itemAmount(sub, item) * prorationFraction(ctx, item));
  const product = ctx.store.get('products', priceProductId(item.price));
  return {
    price: item.price,
    quantity: item.quantity ?? 1,
    amount,
    description: `Unused time on ${item.quantity ?? 1} × ${product?.name ?? 'item'} after ${formatDate(ctx.store.now())}`,
    period: { start: ctx.store.now(), end: item.current_period_end },
    subscriptionItem: item.id,
    proration: true,
  };
}

export function remainingTimeLine(ctx: Ctx, sub: Stripe.Subscription, item: Stripe.SubscriptionItem): LineSpec {
  const amount = Math.round(itemAmount(sub, item) * prorationFraction(ctx, item));
  const product = ctx.store.get('products', priceProductId(item.price));
  return {
    price: item.price,
    quantity: item.quantity ?? 1,
    amount,
    description: `Remaining time on ${item.quantity ?? 1} × ${product?.name ?? 'item'} after ${formatDate(ctx.store.now())}`,
    period: { start: ctx.store.now(), end: item.current_period_end },
    subscriptionItem: item.id,
    proration: true,
  };
}
