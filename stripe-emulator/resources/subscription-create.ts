import type { Router } from '../http/router.js';
import { mergeMetadata } from '../http/params.js';
import { ApiError, invalidRequest, parameterMissing } from '../http/errors.js';
import { createSubscription } from '../billing/subscriptions.js';
import { priceAmountIn } from '../billing/subscriptions.js';
import { defaultCard } from '../billing/cards.js';
import { intentCardBehavior } from '../billing/test-payment-methods.js';
import { unitAmountIn } from './prices.js';
import { mustGet } from './util.js';
import { accept, parameterUnsupported } from './accept.js';
import { pauseSubscription, resumeSubscription } from '../billing/pause.js';
import { parseDiscounts } from '../billing/discounts.js';

const CREATE =
  'customer items default_payment_method trial_period_days trial_end payment_behavior collection_method days_until_due trial_settings metadata description billing_mode currency off_session discounts payment_settings';

/**
 * POST /v1/subscriptions: a subscription created directly, billed at once like one from Checkout
 * (same creation code, so the same invoice and proration rules apply).
 */
export function registerSubscriptionCreate(r: Router): void {
  r.add('POST', '/v1/subscriptions', ({ ctx, params: p }) => {
    accept(p, 'SubscriptionCreateParams', CREATE);
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const itemParams = p.list('items');
    if (!itemParams?.length) throw parameterMissing('items');
    const items = itemParams.map((ip) => {
      ip.allowOnly(['price', 'quantity', 'metadata']);
      const price = mustGet(ctx, 'prices', ip.reqStr('price'), ip.name('price'));
      return { price, quantity: ip.int('quantity', { min: 1 }) ?? 1 };
    });
    const currency = (p.str('currency') ?? items[0]!.price.currency).toLowerCase();
    items.forEach((i, n) => {
      if (unitAmountIn(i.price, currency) === null) priceAmountIn(ctx, i.price, currency, `items[${n}][price]`);
    });
    const collection = p.oneOf('collection_method', ['charge_automatically', 'send_invoice'] as const);
    const daysUntilDue = p.int('days_until_due', { min: 0, max: 730 });
    if (collection === 'send_invoice' && daysUntilDue === undefined) throw parameterMissing('days_until_due');
    if (daysUntilDue !== undefined && collection !== 'send_invoice') {
      throw invalidRequest(
        'The `days_until_due` parameter can only be set when `collection_method` is `send_invoice`.',
        'days_until_due',
      );
    }
    const behavior = p.oneOf('payment_behavior', [
      'allow_incomplete',
      'default_incomplete',
      'error_if_incomplete',
      'pending_if_incomplete',
    ] as const);
    if (behavior === 'pending_if_incomplete') {
      throw invalidRequest(
        `payment_behavior=${behavior} is not supported by the local Stripe (stripe-emulator); use allow_incomplete, default_incomplete or error_if_incomplete.`,
        'payment_behavior',
        'parameter_unsupported',
      );
    }
    const pmId = p.str('default_payment_method');
    if (pmId) {
      const pm = mustGet(ctx, 'payment_methods', pmId, 'default_payment_method');
      if (pm.customer !== customer.id) {
        throw invalidRequest(
          `The customer does not have a payment method with the ID ${pmId}. The payment method must be attached to the customer.`,
          'default_payment_method',
          'resource_missing',
        );
      }
    }
    const now = ctx.store.now();
    const trialEndRaw = p.str('trial_end');
    let trialEnd: number | null = null;
    if (trialEndRaw && trialEndRaw !== 'now') {
      trialEnd = p.int('trial_end') ?? null;
      if (trialEnd !== null && trialEnd <= now + 1) {
        throw invalidRequest('Invalid timestamp: must be an integer Unix timestamp in the future.', 'trial_end');
      }
    }
    const trialDays = trialEndRaw ? null : (p.int('trial_period_days', { min: 0, max: 730 }) ?? null);
    const card = pmId ? ctx.store.cards.get(pmId) : defaultCard(ctx, customer.id);
    const trialing = (trialEnd ?? 0) > now || (trialDays ?? 0) > 0;
    if (!trialing && behavior === 'error_if_incomplete' && collection !== 'send_invoice') {
      // Stripe answers 402 and creates nothing when the first payment fails.
      const b = card ? intentCardBehavior(card.number) : null;
      if (!card) {
        throw invalidRequest(
          'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
          undefined,
          'resource_missing',
        );
      }
      if (b && (b.kind === 'decline' || b.kind === 'attach_ok_charge_fails')) {
        const decline =
          b.kind === 'decline'
            ? b
            : { code: 'card_declined', decline: 'generic_decline', message: 'Your card was declined.' };
        throw new ApiError(402, {
          type: 'card_error',
          code: decline.code,
          decline_code: decline.decline,
          message: decline.message,
        });
      }
    }
    const trialSettings = p.obj('trial_settings');
    trialSettings?.allowOnly(['end_behavior']);
    const endBehavior = trialSettings?.obj('end_behavior');
    endBehavior?.allowOnly(['missing_payment_method']);
    const missingPaymentMethod = endBehavior?.oneOf('missing_payment_method', [
      'cancel',
      'create_invoice',
      'pause',
    ] as const);
    const settings = p.obj('payment_settings');
    settings?.allowOnly(['save_default_payment_method']);
    const saveDefault = settings?.oneOf('save_default_payment_method', ['off', 'on_subscription'] as const);
    const discounts = parseDiscounts(ctx, p.list('discounts'), {
      customer: customer.id,
      amount: items.reduce((sum, i) => sum + (unitAmountIn(i.price, currency) ?? 0) * i.quantity, 0),
      currency,
    });
    const { sub } = createSubscription(ctx, {
      customer: customer.id,
      currency,
      items,
      trialDays,
      trialEnd,
      metadata: mergeMetadata(null, p.metadata()),
      billingMode: p.obj('billing_mode')?.oneOf('type', ['classic', 'flexible'] as const) ?? 'flexible',
      defaultPaymentMethod: pmId ?? null,
      description: p.nullableStr('description') ?? null,
      discounts,
      leaveFirstPaymentOpen: behavior === 'default_incomplete',
      saveDefaultPaymentMethod: saveDefault,
      missingPaymentMethod,
      sendInvoice: collection === 'send_invoice' ? { daysUntilDue: daysUntilDue as number } : undefined,
    });
    ctx.changed();
    return sub;
  });
  r.add('POST', '/v1/subscriptions/:id/pause', ({ ctx, path, params: p }) => {
    accept(p, 'SubscriptionPauseParams', 'type invoicing_behavior');
    const sub = mustGet(ctx, 'subscriptions', path[0] ?? '');
    p.oneOf('type', ['subscription'] as const);
    const invoicing = p.oneOf('invoicing_behavior', ['invoice', 'pending_invoice_item'] as const);
    return pauseSubscription(ctx, sub, invoicing ?? 'pending_invoice_item');
  });
  r.add('POST', '/v1/subscriptions/:id/resume', ({ ctx, path, params: p }) => {
    accept(p, 'SubscriptionResumeParams', 'billing_cycle_anchor payment_behavior');
    const sub = mustGet(ctx, 'subscriptions', path[0] ?? '');
    const anchor = p.obj('billing_cycle_anchor');
    anchor?.allowOnly(['type']);
    // Only Stripe's defaults are modelled: a new cycle from now, resuming on the payment attempt.
    if (anchor?.oneOf('type', ['now', 'unchanged'] as const) === 'unchanged') {
      throw parameterUnsupported('billing_cycle_anchor[type]');
    }
    const behavior = p.oneOf('payment_behavior', ['resume_on_payment_attempt', 'resume_on_payment_success'] as const);
    if (behavior === 'resume_on_payment_success') throw parameterUnsupported('payment_behavior');
    return resumeSubscription(ctx, sub);
  });
}
