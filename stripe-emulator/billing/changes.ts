import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { cardDeclined, invalidRequest, resourceMissing } from '../http/errors.js';
import { addInterval } from './time.js';
import { billNow, voidInvoice, type LineSpec } from './invoices.js';
import {
  applyPaymentStatus,
  checkIntervals,
  embeddedPrice,
  fullLine,
  newItem,
  planOf,
  priceAmountIn,
  requireRecurring,
} from './subscriptions.js';
import { remainingTimeLine, unusedTimeLine } from './proration.js';

export type ProrationBehavior = 'create_prorations' | 'always_invoice' | 'none';
export type PaymentBehavior =
  'allow_incomplete' | 'error_if_incomplete' | 'default_incomplete' | 'pending_if_incomplete';

export interface ItemChange {
  id?: string;
  price?: Stripe.Price;
  quantity?: number;
  deleted?: boolean;
  metadata?: Record<string, string>;
  /** For error messages: `items[0]` or the top-level params. */
  param: string;
}

export interface ChangeResult {
  sub: Stripe.Subscription;
  added: Stripe.SubscriptionItem[];
  invoice: Stripe.Invoice | null;
}

const sameInterval = (a: Stripe.Price, b: Stripe.Price) =>
  a.recurring?.interval === b.recurring?.interval && a.recurring?.interval_count === b.recurring?.interval_count;

/**
 * Applies item changes with Stripe's proration rules:
 * - same interval: credit unused time of the old item, charge remaining time of the new;
 * - interval change (monthly <-> annual): the item's period restarts now and is billed at once;
 * - new item: aligned to an item with the same interval (prorated), or its own period billed at once;
 * `always_invoice` bills prorations now, `create_prorations` keeps them for the next invoice.
 */
export function changeSubscription(
  ctx: Ctx,
  sub: Stripe.Subscription,
  changes: ItemChange[],
  opts: { proration: ProrationBehavior; payment: PaymentBehavior; apply?: (sub: Stripe.Subscription) => void },
): ChangeResult {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(
      `A canceled subscription can only update its cancellation_details and metadata.`,
      'subscription',
    );
  }
  const now = ctx.store.now();
  // Validate everything first so a rejected request changes nothing.
  const resulting = new Map(sub.items.data.map((i) => [i.id, i.price]));
  const newPrices: Stripe.Price[] = [];
  for (const c of changes) {
    if (c.id) {
      if (!resulting.has(c.id)) throw resourceMissing('subscription_item', c.id, `${c.param}[id]`);
      if (c.deleted) resulting.delete(c.id);
      else if (c.price) resulting.set(c.id, c.price);
    } else if (c.price) {
      newPrices.push(c.price);
    } else {
      throw invalidRequest('Each new item needs a price.', `${c.param}[price]`);
    }
    if (c.price) {
      requireRecurring(c.price, `${c.param}[price]`);
      priceAmountIn(ctx, c.price, sub.currency, `${c.param}[price]`);
    }
  }
  const finalPrices = [...resulting.values(), ...newPrices];
  if (finalPrices.length === 0) {
    throw invalidRequest(
      'A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint.',
      'items',
    );
  }
  checkIntervals(sub.billing_mode.type === 'flexible' ? 'flexible' : 'classic', finalPrices, 'items');

  const before = structuredClone(sub);
  const lines: LineSpec[] = [];
  let invoiceNow = false;
  const added: Stripe.SubscriptionItem[] = [];
  for (const c of changes) {
    const item = c.id ? sub.items.data.find((i) => i.id === c.id) : undefined;
    if (item && c.deleted) {
      lines.push(unusedTimeLine(ctx, sub, item));
      sub.items.data = sub.items.data.filter((i) => i.id !== item.id);
      continue;
    }
    if (item) {
      if (c.metadata) item.metadata = { ...item.metadata, ...c.metadata };
      const newPrice = c.price ?? item.price;
      const newQty = c.quantity ?? item.quantity ?? 1;
      if (newPrice.id === item.price.id && newQty === (item.quantity ?? 1)) continue;
      const intervalChanged = !sameInterval(newPrice, item.price);
      lines.push(unusedTimeLine(ctx, sub, item));
      item.price = embeddedPrice(newPrice);
      item.plan = planOf(newPrice);
      item.quantity = newQty;
      if (intervalChanged) {
        const rec = requireRecurring(newPrice, `${c.param}[price]`);
        item.current_period_start = now;
        item.current_period_end = addInterval(now, rec.interval, rec.interval_count);
        lines.push(fullLine(ctx, sub, item));
        invoiceNow = true;
      } else {
        lines.push(remainingTimeLine(ctx, sub, item));
      }
      continue;
    }
    const price = c.price as Stripe.Price;
    const rec = requireRecurring(price, `${c.param}[price]`);
    const peer = sub.items.data.find((i) => sameInterval(i.price, price));
    const start = peer ? peer.current_period_start : now;
    const end = peer ? peer.current_period_end : addInterval(now, rec.interval, rec.interval_count);
    const created = newItem(
      ctx,
      sub.id,
      ctx.store.get('prices', price.id) ?? price,
      c.quantity ?? 1,
      start,
      end,
      c.metadata ?? {},
    );
    sub.items.data.push(created);
    added.push(created);
    if (peer) {
      lines.push(remainingTimeLine(ctx, sub, created));
    } else {
      lines.push(fullLine(ctx, sub, created));
      invoiceNow = true;
    }
  }
  opts.apply?.(sub);

  const billable = opts.proration === 'none' ? lines.filter((l) => !l.proration) : lines;
  let invoice: Stripe.Invoice | null = null;
  if (billable.length && (invoiceNow || opts.proration === 'always_invoice')) {
    const billed = billNow(ctx, sub, billable, 'subscription_update');
    invoice = billed.invoice;
    if (billed.outcome?.error && opts.payment === 'error_if_incomplete') {
      voidInvoice(ctx, billed.invoice);
      Object.assign(sub, before);
      ctx.changed();
      const err = cardDeclined(
        billed.outcome.error.message,
        billed.outcome.error.decline_code ?? billed.outcome.error.code,
      );
      err.body.payment_intent = billed.outcome.paymentIntent;
      throw err;
    }
    const prev = diff(before, sub);
    if (prev) ctx.emit('customer.subscription.updated', sub, prev);
    applyPaymentStatus(ctx, sub, billed.outcome);
  } else {
    if (billable.length) {
      const pending = ctx.store.pendingLines.get(sub.id) ?? [];
      for (const l of billable) {
        pending.push({
          price: l.price.id,
          quantity: l.quantity,
          amount: l.amount,
          description: l.description,
          period: l.period,
          subscription_item: l.subscriptionItem,
        });
      }
      ctx.store.pendingLines.set(sub.id, pending);
    }
    const prev = diff(before, sub);
    if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  }
  ctx.changed();
  return { sub, added, invoice };
}
