import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import { mergeMetadata } from '../http/params.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { invalidRequest } from '../http/errors.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { mustGet } from './util.js';
import {
  changeSubscription,
  type ItemChange,
  type PaymentBehavior,
  type ProrationBehavior,
  keepForNextInvoice,
} from '../billing/changes.js';
import { advanceSubscription, cancelNow, sendTrialWillEnd, takePendingLines } from '../billing/subscriptions.js';
import { unusedTimeLine } from '../billing/proration.js';
import { billNow } from '../billing/invoices.js';
import { refuseUnimplemented } from './known-params.js';

export const PRORATION = ['create_prorations', 'always_invoice', 'none'] as const;
export const PAYMENT = [
  'allow_incomplete',
  'error_if_incomplete',
  'default_incomplete',
  'pending_if_incomplete',
] as const;

const FEEDBACK = [
  'customer_service',
  'low_quality',
  'missing_features',
  'other',
  'switched_service',
  'too_complex',
  'too_expensive',
  'unused',
] as const;

export function setCancelAtPeriodEnd(ctx: Ctx, sub: Stripe.Subscription, value: boolean): void {
  sub.cancel_at_period_end = value;
  if (value) {
    // With mixed intervals Stripe resolves cancel_at_period_end to the earliest item period end.
    sub.cancel_at = Math.min(...sub.items.data.map((i) => i.current_period_end));
    sub.canceled_at = ctx.store.now();
    sub.cancellation_details = {
      ...(sub.cancellation_details ?? { comment: null, feedback: null, feedback_option: null }),
      reason: 'cancellation_requested',
    };
  } else {
    sub.cancel_at = null;
    sub.canceled_at = null;
    sub.cancellation_details = { comment: null, feedback: null, feedback_option: null, reason: null };
  }
}

export function updateSubscription(ctx: Ctx, sub: Stripe.Subscription, p: Params): Stripe.Subscription {
  refuseUnimplemented(p, 'subscriptionUpdate');
  const changes: ItemChange[] = (p.list('items') ?? []).map((it) => {
    const priceId = it.str('price');
    return {
      id: it.str('id'),
      price: priceId ? mustGet(ctx, 'prices', priceId, it.name('price')) : undefined,
      quantity: it.int('quantity', { min: 0 }),
      deleted: it.bool('deleted'),
      metadata: it.metadata() ?? undefined,
      param: it.name('').slice(0, -2),
    };
  });
  const proration: ProrationBehavior = p.oneOf('proration_behavior', PRORATION) ?? 'create_prorations';
  const payment: PaymentBehavior = p.oneOf('payment_behavior', PAYMENT) ?? 'allow_incomplete';
  const prorationDate = p.int('proration_date');
  // In this API version billing_cycle_anchor on update is an object: `{ type: 'now' | 'unchanged' }`.
  if (p.has('billing_cycle_anchor') && !p.obj('billing_cycle_anchor'))
    throw invalidRequest('`billing_cycle_anchor` must be an object with a `type`.', 'billing_cycle_anchor');
  const billingCycleAnchor = p.obj('billing_cycle_anchor')?.oneOf('type', ['now', 'unchanged'] as const);
  const cancelAtPeriodEnd = p.bool('cancel_at_period_end');
  const cancelAt = p.has('cancel_at') ? (p.str('cancel_at') === '' ? null : p.reqInt('cancel_at')) : undefined;
  const metadata = p.metadata();
  const description = p.nullableStr('description');
  const trialEnd = p.str('trial_end');
  const dpm = p.nullableStr('default_payment_method');
  if (dpm && !ctx.store.cards.has(dpm))
    throw invalidRequest(`No such PaymentMethod: '${dpm}'`, 'default_payment_method', 'resource_missing');
  const details = p.obj('cancellation_details');

  if (sub.status === 'canceled') {
    // Stripe only lets canceled subscriptions change metadata and cancellation details.
    if (changes.length || cancelAtPeriodEnd !== undefined) {
      throw invalidRequest(
        'A canceled subscription can only update its cancellation_details and metadata.',
        'subscription',
      );
    }
    const before = structuredClone(sub);
    sub.metadata = mergeMetadata(sub.metadata, metadata);
    const prev = diff(before, sub);
    if (prev) ctx.emit('customer.subscription.updated', sub, prev);
    return sub;
  }
  changeSubscription(ctx, sub, changes, {
    proration,
    payment,
    prorationDate,
    billingCycleAnchor,
    apply: (s) => {
      if (cancelAtPeriodEnd !== undefined) setCancelAtPeriodEnd(ctx, s, cancelAtPeriodEnd);
      if (cancelAt !== undefined) {
        s.cancel_at = cancelAt;
        s.cancel_at_period_end = false;
      }
      s.metadata = mergeMetadata(s.metadata, metadata);
      if (description !== undefined) s.description = description;
      if (dpm !== undefined) s.default_payment_method = dpm;
      if (details && s.cancellation_details) {
        s.cancellation_details.comment = details.nullableStr('comment') ?? s.cancellation_details.comment;
        s.cancellation_details.feedback = details.oneOf('feedback', FEEDBACK) ?? s.cancellation_details.feedback;
      }
    },
  });
  if (dpm) {
    const customer = sub.customer as string;
    ctx.store.defaultCards.set(customer, dpm);
  }
  if (trialEnd === 'now' && sub.status === 'trialing') {
    // Stripe sends trial_will_end also when a trial is ended immediately with trial_end=now.
    sendTrialWillEnd(ctx, sub);
    advanceSubscription(ctx, sub, { endTrialNow: true });
  } else if (trialEnd !== undefined && trialEnd !== 'now')
    throw invalidRequest('The emulator supports only `trial_end=now` on update.', 'trial_end');
  return sub;
}

export function registerSubscriptions(r: Router): void {
  r.add('GET', '/v1/subscriptions/:id', ({ ctx, path }) => mustGet(ctx, 'subscriptions', path[0] ?? ''));
  r.add('POST', '/v1/subscriptions/:id', ({ ctx, path, params }) =>
    updateSubscription(ctx, mustGet(ctx, 'subscriptions', path[0] ?? ''), params),
  );
  r.add('DELETE', '/v1/subscriptions/:id', ({ ctx, path, params: p }) => {
    const sub = mustGet(ctx, 'subscriptions', path[0] ?? '');
    refuseUnimplemented(p, 'subscriptionCancel');
    if (sub.status === 'canceled') {
      throw invalidRequest(
        `A canceled subscription can only update its cancellation_details and metadata.`,
        'subscription',
      );
    }
    const details = p.obj('cancellation_details');
    // prorate: a credit for the unused time of every item; invoice_now: a final invoice now with it and
    // every pending proration. Without invoice_now they stay pending for the customer's next invoice.
    const prorate = p.bool('prorate') ?? false;
    const invoiceNow = p.bool('invoice_now') ?? false;
    const credits = prorate ? sub.items.data.map((item) => unusedTimeLine(ctx, sub, item)) : [];
    const finalLines = invoiceNow ? [...takePendingLines(ctx, sub), ...credits] : [];
    if (!invoiceNow) keepForNextInvoice(ctx, sub, credits);
    cancelNow(ctx, sub, { comment: details?.nullableStr('comment'), feedback: details?.oneOf('feedback', FEEDBACK) });
    if (finalLines.length) billNow(ctx, sub, finalLines, 'subscription_update');
    return sub;
  });
  r.add('GET', '/v1/subscriptions', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const price = p.str('price');
    const status = p.oneOf('status', [
      'active',
      'all',
      'canceled',
      'ended',
      'incomplete',
      'incomplete_expired',
      'past_due',
      'paused',
      'trialing',
      'unpaid',
    ] as const);
    const items = ctx.store
      .all('subscriptions')
      .filter(createdFilter(p))
      .filter((s) => !customer || s.customer === customer)
      .filter((s) => !price || s.items.data.some((i) => i.price.id === price))
      .filter((s) => {
        // Without a status filter Stripe hides canceled subscriptions.
        if (!status) return s.status !== 'canceled' && s.status !== 'incomplete_expired';
        if (status === 'all') return true;
        if (status === 'ended') return s.status === 'canceled' || s.status === 'incomplete_expired';
        return s.status === status;
      });
    return paginate(newestFirst(items), p, url);
  });
}
