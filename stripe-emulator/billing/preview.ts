import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { newId } from '../ids.js';
import { applyBalance, buildLine, type LineSpec } from './invoices.js';
import { planItemChanges, type ItemChange, type ProrationBehavior } from './changes.js';
import { fullLine } from './subscriptions.js';
import { addInterval } from './time.js';

/**
 * The invoice a subscription change would produce: `planItemChanges` (the very computation
 * `changeSubscription` runs) applied to a copy of the subscription, and nothing stored or emitted:
 * - `always_invoice` or a reset billing cycle: the invoice billed at once for the change;
 * - otherwise: the next renewal, carrying the prorations (and pending ones) plus the next period.
 * `prorationDate` prorates as of that moment instead of now, as Stripe's `proration_date` does.
 */
export function previewSubscriptionChange(
  ctx: Ctx,
  live: Stripe.Subscription,
  changes: ItemChange[],
  opts: { proration: ProrationBehavior; prorationDate?: number },
): Stripe.Invoice {
  const at = opts.prorationDate ?? ctx.store.now();
  const sub = structuredClone(live);
  const planned = planItemChanges(ctx, sub, changes, { prorationDate: opts.prorationDate });
  const collected = planned.lines;
  const billNow = opts.proration === 'always_invoice' || planned.invoiceNow;
  let specs: LineSpec[] = opts.proration === 'none' ? collected.filter((l) => !l.proration) : collected;
  if (!billNow) {
    const pending: LineSpec[] = (ctx.store.pendingLines.get(sub.id) ?? []).flatMap((p) => {
      const price = ctx.store.get('prices', p.price);
      return price
        ? [
            {
              price,
              quantity: p.quantity,
              amount: p.amount,
              description: p.description,
              period: p.period,
              subscriptionItem: p.subscription_item ?? null,
              proration: true,
            },
          ]
        : [];
    });
    const next = sub.items.data.map((item) => {
      const rec = item.price.recurring!;
      const start = item.current_period_end;
      return fullLine(ctx, sub, {
        ...item,
        current_period_start: start,
        current_period_end: addInterval(start, rec.interval, rec.interval_count),
      });
    });
    specs = [...pending, ...specs, ...next];
  }
  const id = `upcoming_${newId('in')}`;
  const built = specs.map((l) => buildLine(ctx, id, sub, l));
  const total = built.reduce((s, l) => s + l.amount, 0);
  const customerId = typeof sub.customer === 'string' ? sub.customer : sub.customer.id;
  const customer = ctx.store.get('customers', customerId);
  // The balance applies as it will at finalization: credit lowers the amount due, a debit adds to it.
  const { amountDue } = applyBalance(total, customer?.balance ?? 0);
  const periodStart = specs.length ? Math.min(...specs.map((l) => l.period.start)) : at;
  const periodEnd = specs.length ? Math.max(...specs.map((l) => l.period.end)) : at;
  return {
    id,
    object: 'invoice',
    amount_due: amountDue,
    amount_paid: 0,
    amount_remaining: amountDue,
    billing_reason: billNow ? 'subscription_update' : 'upcoming',
    collection_method: 'charge_automatically',
    created: at,
    currency: sub.currency,
    customer: customerId,
    lines: { object: 'list', data: built, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: billNow ? at : Math.min(...sub.items.data.map((i) => i.current_period_end)),
    parent: {
      type: 'subscription_details',
      quote_details: null,
      subscription_details: { metadata: { ...sub.metadata }, subscription: sub.id },
    },
    period_end: periodEnd,
    period_start: periodStart,
    starting_balance: customer?.balance ?? 0,
    status: 'draft',
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
  } as unknown as Stripe.Invoice;
}
