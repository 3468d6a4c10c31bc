import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { cardDeclined, invalidRequest, resourceMissing } from '../http/errors.js';
import { nextAnchoredEnd } from './time.js';
import { billNow, voidInvoice, type LineSpec } from './invoices.js';
import {
  anchoredEnd,
  applyPaymentStatus,
  checkIntervals,
  embeddedPrice,
  fullLine,
  newItem,
  planOf,
  priceAmountIn,
  requireRecurring,
  takePendingLines,
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

export interface ChangeOptions {
  proration: ProrationBehavior;
  payment: PaymentBehavior;
  /** Prorate as though the change happened at this time (Stripe's `proration_date`). */
  prorationDate?: number;
  /** `now` resets the billing cycle to the change time; `unchanged` keeps it. */
  billingCycleAnchor?: 'now' | 'unchanged';
  apply?: (sub: Stripe.Subscription) => void;
}

/** Prorations kept for the subscription's next invoice (`create_prorations`). */
export function keepForNextInvoice(ctx: Ctx, sub: Stripe.Subscription, lines: LineSpec[]): void {
  if (!lines.length) return;
  const pending = ctx.store.pendingLines.get(sub.id) ?? [];
  for (const l of lines) {
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

/** What applying item changes to a subscription produced, before anything is billed or stored. */
export interface PlannedChange {
  /** Proration and new-period lines (none during a trial). */
  lines: LineSpec[];
  /** The billing cycle was reset (interval change or `billing_cycle_anchor=now`): invoice at once. */
  invoiceNow: boolean;
  added: Stripe.SubscriptionItem[];
}

/**
 * Applies item changes with Stripe's proration rules to `sub` in place and returns the lines they
 * produce; it stores, bills and emits nothing, so the preview runs it on a copy:
 * - same interval: credit unused time of the old item, charge remaining time of the new;
 * - an interval change (monthly <-> annual) or `billing_cycle_anchor=now` resets the billing cycle
 *   anchor to now: every item gets credit for unused time and a new full period, invoiced at once;
 * - new item: aligned to the subscription's billing cycle anchor, its remaining time prorated;
 * - during a trial nothing is billed, so changes create no lines and the trial is kept.
 * Validation comes first, so a rejected request changes nothing.
 */
export function planItemChanges(
  ctx: Ctx,
  sub: Stripe.Subscription,
  changes: ItemChange[],
  opts: Pick<ChangeOptions, 'prorationDate' | 'billingCycleAnchor'>,
): PlannedChange {
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
  let intervalChange = false;
  for (const c of changes) {
    if (c.id) {
      if (!resulting.has(c.id)) throw resourceMissing('subscription_item', c.id, `${c.param}[id]`);
      const current = resulting.get(c.id) as Stripe.Price;
      if (c.deleted) resulting.delete(c.id);
      else if (c.price) {
        if (!sameInterval(c.price, current)) intervalChange = true;
        resulting.set(c.id, c.price);
      }
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
  if (intervalChange && opts.billingCycleAnchor === 'unchanged') {
    throw invalidRequest(
      'Changing the billing interval resets the billing cycle anchor, so `billing_cycle_anchor=unchanged` is not supported by the local Stripe here.',
      'billing_cycle_anchor',
    );
  }
  const at = opts.prorationDate ?? now;
  if (opts.prorationDate !== undefined) {
    const earliest = Math.min(...sub.items.data.map((i) => i.current_period_start));
    if (opts.prorationDate > now || opts.prorationDate < earliest) {
      throw invalidRequest(
        'The `proration_date` must be within the current billing period and not in the future.',
        'proration_date',
      );
    }
  }
  if (opts.billingCycleAnchor === 'now' && sub.status === 'trialing') {
    throw invalidRequest(
      '`billing_cycle_anchor[type]=now` on a trialing subscription is not supported by the local Stripe.',
      'billing_cycle_anchor',
    );
  }
  // A trialing subscription keeps its trial: the new interval starts when the trial ends.
  const reanchor = (intervalChange || opts.billingCycleAnchor === 'now') && sub.status !== 'trialing';

  const collected: LineSpec[] = [];
  // Nothing is billed during a trial, so changes made in it create no prorations.
  const trialing = sub.status === 'trialing';
  const lines = { push: (...l: LineSpec[]) => (trialing ? 0 : collected.push(...l)) };
  const invoiceNow = reanchor;
  const added: Stripe.SubscriptionItem[] = [];
  const credited = new Set<string>();
  for (const c of changes) {
    const item = c.id ? sub.items.data.find((i) => i.id === c.id) : undefined;
    if (item && c.deleted) {
      lines.push(unusedTimeLine(ctx, sub, item, at));
      sub.items.data = sub.items.data.filter((i) => i.id !== item.id);
      continue;
    }
    if (item) {
      if (c.metadata) item.metadata = { ...item.metadata, ...c.metadata };
      const newPrice = c.price ?? item.price;
      const newQty = c.quantity ?? item.quantity ?? 1;
      if (newPrice.id === item.price.id && newQty === (item.quantity ?? 1)) continue;
      lines.push(unusedTimeLine(ctx, sub, item, at));
      credited.add(item.id);
      item.price = embeddedPrice(newPrice);
      item.plan = planOf(newPrice);
      item.quantity = newQty;
      if (!reanchor) lines.push(remainingTimeLine(ctx, sub, item, at));
      continue;
    }
    const price = c.price as Stripe.Price;
    requireRecurring(price, `${c.param}[price]`);
    const created = newItem(
      ctx,
      sub.id,
      ctx.store.get('prices', price.id) ?? price,
      c.quantity ?? 1,
      now,
      anchoredEnd(sub, price, now),
      c.metadata ?? {},
    );
    sub.items.data.push(created);
    added.push(created);
    credited.add(created.id);
    if (!reanchor) lines.push(remainingTimeLine(ctx, sub, created, at));
  }
  if (reanchor) {
    // Stripe resets the anchor to the change time: every item restarts its period now.
    sub.billing_cycle_anchor = now;
    for (const item of sub.items.data) {
      if (!credited.has(item.id)) lines.push(unusedTimeLine(ctx, sub, item, at));
      const rec = requireRecurring(item.price, 'items');
      item.current_period_start = now;
      item.current_period_end = nextAnchoredEnd(now, rec.interval, rec.interval_count, now);
      lines.push(fullLine(ctx, sub, item));
    }
  }
  return { lines: collected, invoiceNow, added };
}

/**
 * Applies item changes (see planItemChanges) and bills them: `always_invoice` or a reset billing
 * cycle invoices now, `create_prorations` keeps the prorations for the next invoice, `none` drops
 * them. Any invoice created here sweeps the subscription's pending prorations.
 */
export function changeSubscription(
  ctx: Ctx,
  sub: Stripe.Subscription,
  changes: ItemChange[],
  opts: ChangeOptions,
): ChangeResult {
  const before = structuredClone(sub);
  const { lines: collected, invoiceNow, added } = planItemChanges(ctx, sub, changes, opts);
  opts.apply?.(sub);

  const billable = opts.proration === 'none' ? collected.filter((l) => !l.proration) : collected;
  let invoice: Stripe.Invoice | null = null;
  if (billable.length && (invoiceNow || opts.proration === 'always_invoice')) {
    const pendingBefore = ctx.store.pendingLines.get(sub.id);
    const swept = takePendingLines(ctx, sub);
    const billed = billNow(ctx, sub, [...swept, ...billable], 'subscription_update');
    invoice = billed.invoice;
    if (billed.outcome?.error && opts.payment === 'error_if_incomplete') {
      voidInvoice(ctx, billed.invoice);
      Object.assign(sub, before);
      if (pendingBefore) ctx.store.pendingLines.set(sub.id, pendingBefore);
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
    keepForNextInvoice(ctx, sub, billable);
    const prev = diff(before, sub);
    if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  }
  ctx.changed();
  return { sub, added, invoice };
}
