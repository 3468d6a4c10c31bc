import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { priceProductId } from '../resources/prices.js';
import { formatDate } from './time.js';
import type { LineSpec } from './invoices.js';
import { fullPeriodStart, itemAmount } from './subscriptions.js';

/** Share of the item's full billing period still ahead at `at` (default now), 0..1. */
export function prorationFraction(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  at = ctx.store.now(),
): number {
  const span = item.current_period_end - fullPeriodStart(sub, item);
  if (span <= 0) return 0;
  const left = item.current_period_end - at;
  return Math.min(1, Math.max(0, left / span));
}

/**
 * The last debit billed (or pending) for the item's current period: flexible billing mode credits
 * "based on the original amount previously debited", not on the item's current price.
 */
function lastDebit(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
): { amount: number; period: { start: number; end: number } } | null {
  let found: { amount: number; period: { start: number; end: number } } | null = null;
  for (const invoice of ctx.store.all('invoices')) {
    if (invoice.parent?.subscription_details?.subscription !== sub.id || invoice.status === 'void') continue;
    for (const line of invoice.lines.data) {
      const details = line.parent?.subscription_item_details;
      if (details?.subscription_item !== item.id || line.amount < 0) continue;
      if (details.proration && line.amount === 0) continue;
      if (line.period.end === item.current_period_end) found = { amount: line.amount, period: line.period };
    }
  }
  for (const p of ctx.store.pendingLines.get(sub.id) ?? []) {
    if (p.subscription_item === item.id && p.amount > 0 && p.period.end === item.current_period_end) found = p;
  }
  return found;
}

export function unusedTimeLine(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  at = ctx.store.now(),
): LineSpec {
  let amount = -Math.round(itemAmount(ctx, sub, item) * prorationFraction(ctx, sub, item, at));
  if (sub.billing_mode.type === 'flexible') {
    const debit = lastDebit(ctx, sub, item);
    const span = debit ? debit.period.end - debit.period.start : 0;
    if (debit && span > 0) {
      amount = -Math.round((debit.amount * Math.max(0, Math.min(span, debit.period.end - at))) / span);
    }
  }
  const product = ctx.store.get('products', priceProductId(item.price));
  return {
    price: item.price,
    quantity: item.quantity ?? 1,
    amount,
    description: `Unused time on ${item.quantity ?? 1} × ${product?.name ?? 'item'} after ${formatDate(at)}`,
    period: { start: at, end: item.current_period_end },
    subscriptionItem: item.id,
    proration: true,
  };
}

export function remainingTimeLine(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  at = ctx.store.now(),
): LineSpec {
  const amount = Math.round(itemAmount(ctx, sub, item) * prorationFraction(ctx, sub, item, at));
  const product = ctx.store.get('products', priceProductId(item.price));
  return {
    price: item.price,
    quantity: item.quantity ?? 1,
    amount,
    description: `Remaining time on ${item.quantity ?? 1} × ${product?.name ?? 'item'} after ${formatDate(at)}`,
    period: { start: at, end: item.current_period_end },
    subscriptionItem: item.id,
    proration: true,
  };
}
