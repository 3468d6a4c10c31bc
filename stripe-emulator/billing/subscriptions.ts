import type Stripe from 'stripe';
import { redeem, type DiscountChoice } from './discounts.js';
import { openFirstInvoice } from './incomplete-subscriptions.js';
import { endTrialWithoutPaymentMethod } from './pause.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { newId } from '../ids.js';
import { invalidRequest } from '../http/errors.js';
import { decimalString } from '../resources/util.js';
import { priceProductId, unitAmountIn } from '../resources/prices.js';
import { anchoredPeriodStart, nextAnchoredEnd } from './time.js';
import { billNow, draftInvoice, draftRenewal, type LineSpec } from './invoices.js';
import type { PaymentOutcome } from './payments.js';

/** Embedded prices are shown without includable fields, as Stripe does. */
export function embeddedPrice(price: Stripe.Price): Stripe.Price {
  const { currency_options: _omit, ...rest } = structuredClone(price);
  return rest as Stripe.Price;
}

export function planOf(price: Stripe.Price): Stripe.Plan {
  const rec = price.recurring;
  return {
    id: price.id,
    object: 'plan',
    active: price.active,
    amount: price.unit_amount,
    amount_decimal: decimalString(price.unit_amount),
    billing_scheme: 'per_unit',
    created: price.created,
    currency: price.currency,
    interval: rec?.interval ?? 'month',
    interval_count: rec?.interval_count ?? 1,
    livemode: false,
    metadata: { ...price.metadata },
    meter: null,
    nickname: price.nickname,
    product: price.product as string,
    tiers_mode: null,
    transform_usage: null,
    trial_period_days: null,
    usage_type: 'licensed',
  };
}

/**
 * What the item costs per period in the subscription's currency: the price's own amount or its
 * `currency_options[<currency>]` (the embedded price omits currency_options, so read the stored one).
 */
export function itemAmount(ctx: Ctx, sub: Stripe.Subscription, item: Stripe.SubscriptionItem): number {
  const price = ctx.store.get('prices', item.price.id) ?? item.price;
  return (unitAmountIn(price, sub.currency) ?? price.unit_amount ?? 0) * (item.quantity ?? 1);
}

/** The end of the period starting at `start`, on the subscription's billing cycle anchor. */
export function anchoredEnd(sub: Stripe.Subscription, price: Stripe.Price, start: number): number {
  const rec = price.recurring;
  return rec ? nextAnchoredEnd(sub.billing_cycle_anchor, rec.interval, rec.interval_count, start) : start;
}

/** Start of the full anchored period the item is in (for a newly added item: before it was added). */
export function fullPeriodStart(sub: Stripe.Subscription, item: Stripe.SubscriptionItem): number {
  const rec = item.price.recurring;
  if (!rec || item.current_period_end <= sub.billing_cycle_anchor) return item.current_period_start;
  return Math.min(
    item.current_period_start,
    anchoredPeriodStart(sub.billing_cycle_anchor, rec.interval, rec.interval_count, item.current_period_end),
  );
}

export function priceAmountIn(ctx: Ctx, price: Stripe.Price, currency: string, param: string): number {
  const stored = ctx.store.get('prices', price.id) ?? price;
  const amount = unitAmountIn(stored, currency);
  if (amount === null) {
    throw invalidRequest(`The price \`${price.id}\` does not support the currency \`${currency}\`.`, param);
  }
  return amount;
}

export function requireRecurring(price: Stripe.Price, param: string): Stripe.Price.Recurring {
  if (!price.recurring) {
    throw invalidRequest(
      `The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`,
      param,
    );
  }
  return price.recurring;
}

export function newItem(
  ctx: Ctx,
  subId: string,
  price: Stripe.Price,
  quantity: number,
  start: number,
  end: number,
  metadata: Record<string, string> = {},
): Stripe.SubscriptionItem {
  return {
    id: newId('si', 14),
    object: 'subscription_item',
    billing_thresholds: null,
    created: ctx.store.now(),
    current_period_end: end,
    current_period_start: start,
    current_trial: null,
    discounts: [],
    metadata,
    plan: planOf(price),
    price: embeddedPrice(price),
    quantity,
    subscription: subId,
    tax_rates: [],
  };
}

export function describeLine(price: Stripe.Price, quantity: number, currency: string, ctx: Ctx): string {
  const product = ctx.store.get('products', priceProductId(price));
  return `${quantity} × ${product?.name ?? priceProductId(price)} (at ${(unitAmountIn(ctx.store.get('prices', price.id) ?? price, currency) ?? 0) / 100} ${currency.toUpperCase()} / ${price.recurring?.interval ?? 'one time'})`;
}

export function fullLine(
  ctx: Ctx,
  sub: Stripe.Subscription,
  item: Stripe.SubscriptionItem,
  description?: string,
): LineSpec {
  return {
    price: item.price,
    quantity: item.quantity ?? 1,
    amount: itemAmount(ctx, sub, item),
    description: description ?? describeLine(item.price, item.quantity ?? 1, sub.currency, ctx),
    period: { start: item.current_period_start, end: item.current_period_end },
    subscriptionItem: item.id,
    proration: false,
  };
}

export interface CreateSubscriptionInput {
  customer: string;
  currency: string;
  items: Array<{ price: Stripe.Price; quantity: number }>;
  trialDays: number | null;
  metadata: Record<string, string>;
  billingMode: 'classic' | 'flexible';
  defaultPaymentMethod: string | null;
  description: string | null;
  /** An exact trial end (the API's `trial_end`); wins over trialDays. */
  trialEnd?: number | null;
  /** Coupons / promotion codes to redeem on the subscription before its first invoice. */
  discounts?: DiscountChoice[];
  /** payment_behavior=default_incomplete: finalize the first invoice but leave its payment to the caller. */
  leaveFirstPaymentOpen?: boolean;
  saveDefaultPaymentMethod?: 'off' | 'on_subscription';
  /** `send_invoice`: invoices are finalized and left open for the customer, due after `daysUntilDue`. */
  sendInvoice?: { daysUntilDue: number };
  /** trial_settings[end_behavior][missing_payment_method]: what a trial ending without a card does. */
  missingPaymentMethod?: 'cancel' | 'create_invoice' | 'pause';
}

/** Classic billing needs one interval for all items; flexible allows mixing (yearly plan + monthly add-on). */
export function checkIntervals(mode: 'classic' | 'flexible', prices: Stripe.Price[], param: string): void {
  if (mode === 'flexible') return;
  const keys = new Set(prices.map((p) => `${p.recurring?.interval}/${p.recurring?.interval_count}`));
  if (keys.size > 1) {
    throw invalidRequest(
      'Currency and interval fields must match across all plans on this subscription. Use `billing_mode[type]=flexible` to mix billing intervals.',
      param,
    );
  }
}

export function createSubscription(
  ctx: Ctx,
  input: CreateSubscriptionInput,
): { sub: Stripe.Subscription; outcome: PaymentOutcome | null } {
  const now = ctx.store.now();
  const id = newId('sub');
  const trialEnd = input.trialEnd ?? (input.trialDays ? now + input.trialDays * 86_400 : null);
  checkIntervals(
    input.billingMode,
    input.items.map((i) => i.price),
    'line_items',
  );
  const items = input.items.map(({ price, quantity }) => {
    const rec = requireRecurring(price, 'items');
    const end = trialEnd ?? nextAnchoredEnd(now, rec.interval, rec.interval_count, now);
    return newItem(ctx, id, price, quantity, now, end);
  });
  const sub: Stripe.Subscription = {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: trialEnd ?? now,
    billing_cycle_anchor_config: null,
    billing_mode:
      input.billingMode === 'flexible'
        ? { type: 'flexible', flexible: { proration_discounts: 'included' }, updated_at: now }
        : { type: 'classic', flexible: null },
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: false,
    canceled_at: null,
    cancellation_details: { comment: null, feedback: null, feedback_option: null, reason: null },
    collection_method: input.sendInvoice ? 'send_invoice' : 'charge_automatically',
    created: now,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    days_until_due: input.sendInvoice?.daysUntilDue ?? null,
    default_payment_method: input.defaultPaymentMethod,
    default_source: null,
    default_tax_rates: [],
    description: input.description,
    discounts: [],
    ended_at: null,
    invoice_settings: {
      account_tax_ids: null,
      custom_fields: null,
      description: null,
      footer: null,
      issuer: { type: 'self' },
    },
    items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: {
      payment_method_options: null,
      payment_method_types: null,
      save_default_payment_method: input.saveDefaultPaymentMethod ?? 'off',
    },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: now,
    // send_invoice subscriptions are active at once: payment is the customer's, by the due date.
    status: trialEnd ? 'trialing' : input.sendInvoice ? 'active' : 'incomplete',
    test_clock: null,
    transfer_data: null,
    trial_end: trialEnd,
    trial_settings: {
      end_behavior: {
        billing_cycle_anchor: null,
        missing_payment_method: input.missingPaymentMethod ?? 'create_invoice',
      },
    },
    trial_start: trialEnd ? now : null,
  };
  ctx.store.put('subscriptions', sub);
  sub.discounts = (input.discounts ?? []).map(
    (d) => redeem(ctx, d, { customer: input.customer, subscription: sub.id }).id,
  );
  const lines = items.map((item) =>
    trialEnd
      ? {
          ...fullLine(ctx, sub, item),
          amount: 0,
          description: `Trial period for ${describeLine(item.price, item.quantity ?? 1, sub.currency, ctx)}`,
        }
      : fullLine(ctx, sub, item),
  );
  ctx.emit('customer.subscription.created', sub);
  // trial_will_end comes three days before the trial ends, or at once for a shorter trial.
  if (trialEnd && trialEnd - now <= TRIAL_WILL_END_NOTICE_SECONDS) sendTrialWillEnd(ctx, sub);
  const firstLines = [...lines, ...takePendingLines(ctx, sub)];
  if (input.sendInvoice && !trialEnd) {
    // send_invoice: the first invoice is finalized an hour later (then left open for the customer
    // to pay), as for a renewal.
    draftInvoice(ctx, sub, firstLines, 'subscription_create');
    ctx.changed();
    return { sub, outcome: null };
  }
  const { outcome } =
    input.leaveFirstPaymentOpen && !trialEnd
      ? openFirstInvoice(ctx, sub, firstLines)
      : billNow(ctx, sub, firstLines, 'subscription_create');
  if (!trialEnd) {
    const before = structuredClone(sub);
    sub.status = outcome && outcome.error ? 'incomplete' : 'active';
    const prev = diff(before, sub);
    if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  }
  ctx.changed();
  return { sub, outcome };
}

export const TRIAL_WILL_END_NOTICE_SECONDS = 3 * 86_400;

/** customer.subscription.trial_will_end, once per trial end. */
export function sendTrialWillEnd(ctx: Ctx, sub: Stripe.Subscription): void {
  if (sub.trial_end === null || ctx.store.billing.trialWillEndSent[sub.id] === sub.trial_end) return;
  ctx.store.billing.trialWillEndSent[sub.id] = sub.trial_end;
  ctx.emit('customer.subscription.trial_will_end', sub);
}

/** When trial_will_end is due for a trialing subscription, or null once sent. */
export function trialWillEndAt(ctx: Ctx, sub: Stripe.Subscription): number | null {
  if (sub.status !== 'trialing' || sub.trial_end === null) return null;
  if (ctx.store.billing.trialWillEndSent[sub.id] === sub.trial_end) return null;
  return sub.trial_end - TRIAL_WILL_END_NOTICE_SECONDS;
}

/** Ends the subscription now, emitting customer.subscription.deleted. */
export function cancelNow(
  ctx: Ctx,
  sub: Stripe.Subscription,
  details: {
    comment?: string | null;
    feedback?: Stripe.Subscription.CancellationDetails.Feedback | null;
    reason?: Stripe.Subscription.CancellationDetails.Reason;
  } = {},
): void {
  if (sub.status === 'canceled') return;
  const now = ctx.store.now();
  sub.status = 'canceled';
  sub.canceled_at = sub.canceled_at ?? now;
  sub.ended_at = now;
  sub.cancellation_details = {
    comment: details.comment ?? sub.cancellation_details?.comment ?? null,
    feedback: details.feedback ?? sub.cancellation_details?.feedback ?? null,
    feedback_option: sub.cancellation_details?.feedback_option ?? null,
    reason: details.reason ?? 'cancellation_requested',
  };
  // Uninvoiced prorations stay as the customer's pending invoice items, for their next invoice.
  const pending = ctx.store.pendingLines.get(sub.id);
  if (pending?.length) {
    const key = customerKey(sub);
    ctx.store.pendingLines.set(key, [...(ctx.store.pendingLines.get(key) ?? []), ...pending]);
  }
  ctx.store.pendingLines.delete(sub.id);
  // Stripe stops automatic collection of the subscription's open invoices when it is canceled.
  for (const invoice of ctx.store.all('invoices')) {
    if (invoice.parent?.subscription_details?.subscription !== sub.id) continue;
    if (invoice.status === 'open' || invoice.status === 'draft') {
      invoice.next_payment_attempt = null;
      invoice.automatically_finalizes_at = null;
      invoice.auto_advance = false;
    }
  }
  ctx.emit('customer.subscription.deleted', sub);
  ctx.changed();
}

const customerKey = (sub: Stripe.Subscription) => (typeof sub.customer === 'string' ? sub.customer : sub.customer.id);

/**
 * Stripe sweeps pending invoice items (prorations from create_prorations changes, and the
 * customer's leftovers) onto the next invoice it creates for the subscription.
 */
export function takePendingLines(ctx: Ctx, sub: Stripe.Subscription): LineSpec[] {
  const pending = [
    ...(ctx.store.pendingLines.get(customerKey(sub)) ?? []),
    ...(ctx.store.pendingLines.get(sub.id) ?? []),
  ];
  ctx.store.pendingLines.delete(sub.id);
  ctx.store.pendingLines.delete(customerKey(sub));
  return pending.flatMap((p) => {
    const price = ctx.store.get('prices', p.price);
    if (!price) return [];
    return [
      {
        price: embeddedPrice(price),
        quantity: p.quantity,
        amount: p.amount,
        description: p.description,
        period: p.period,
        subscriptionItem: p.subscription_item,
        proration: true,
      },
    ];
  });
}

/** Records the outcome of a renewal/update payment on the subscription's status. */
export function applyPaymentStatus(ctx: Ctx, sub: Stripe.Subscription, outcome: PaymentOutcome | null): void {
  const before = structuredClone(sub);
  if (outcome?.error) {
    if (sub.status === 'active' || sub.status === 'trialing') sub.status = 'past_due';
  } else if (sub.status === 'past_due' || sub.status === 'unpaid' || sub.status === 'incomplete') {
    sub.status = 'active';
  }
  const prev = diff(before, sub);
  if (prev) ctx.emit('customer.subscription.updated', sub, prev);
}

/**
 * Moves a subscription to its next billing period (or ends its trial, or ends it when canceling at
 * period end). Items with different intervals (flexible billing) renew independently: only those
 * ending first are billed. Every period end is computed from the billing cycle anchor. A renewal
 * reached by time passing is a draft finalized an hour later (see clock.ts); ending a trial now
 * bills at once.
 */
export function advanceSubscription(
  ctx: Ctx,
  sub: Stripe.Subscription,
  opts: { endTrialNow?: boolean; billNow?: boolean } = {},
): Stripe.Subscription {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired') {
    throw invalidRequest(`Subscription ${sub.id} is ${sub.status} and cannot advance.`, 'subscription');
  }
  // A paused subscription has no billing periods to advance through until it is resumed.
  if (sub.status === 'paused') {
    throw invalidRequest(`Subscription ${sub.id} is paused; resume it first.`, 'subscription');
  }
  const store = ctx.store;
  const trialing = sub.status === 'trialing' && sub.trial_end !== null;
  if (opts.endTrialNow && !trialing) throw invalidRequest(`Subscription ${sub.id} is not trialing.`, 'subscription');
  let boundary: number;
  if (opts.endTrialNow) boundary = store.now();
  else if (trialing) boundary = sub.trial_end as number;
  else boundary = Math.min(...sub.items.data.map((i) => i.current_period_end));
  if (sub.cancel_at !== null && sub.cancel_at <= boundary && !opts.endTrialNow) boundary = sub.cancel_at;
  // Time passes for the whole emulator: the renewal happens "at" the boundary.
  if (boundary > store.now()) store.clockOffsetSeconds += boundary - store.now();

  if ((sub.cancel_at_period_end || (sub.cancel_at !== null && sub.cancel_at <= boundary)) && !opts.endTrialNow) {
    cancelNow(ctx, sub);
    return sub;
  }
  if (trialing && endTrialWithoutPaymentMethod(ctx, sub)) return sub;
  const before = structuredClone(sub);
  if (trialing) {
    sub.status = 'active';
    sub.trial_end = boundary;
    sub.billing_cycle_anchor = boundary;
  }
  const lines: LineSpec[] = [];
  for (const item of sub.items.data) {
    const due = trialing || item.current_period_end <= boundary;
    if (!due) continue;
    const start = trialing ? boundary : item.current_period_end;
    item.current_period_start = start;
    item.current_period_end = anchoredEnd(sub, item.price, start);
    lines.push(fullLine(ctx, sub, item));
  }
  lines.push(...takePendingLines(ctx, sub));
  const prev = diff(before, sub);
  if (prev) ctx.emit('customer.subscription.updated', sub, prev);
  if (opts.endTrialNow || opts.billNow) {
    const { outcome } = billNow(ctx, sub, lines, 'subscription_cycle');
    applyPaymentStatus(ctx, sub, outcome);
  } else {
    draftRenewal(ctx, sub, lines);
  }
  ctx.changed();
  return sub;
}
