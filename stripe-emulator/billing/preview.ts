import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { newId } from '../ids.js';
import { buildLine, type LineSpec } from './invoices.js';
import type { ItemChange, ProrationBehavior } from './changes.js';
import { embeddedPrice, fullLine, planOf, priceAmountIn, requireRecurring } from './subscriptions.js';
import { remainingTimeLine, unusedTimeLine } from './proration.js';
import { addInterval } from './time.js';
import { resourceMissing } from '../http/errors.js';

const sameInterval = (a: Stripe.Price, b: Stripe.Price) =>
  a.recurring?.interval === b.recurring?.interval && a.recurring?.interval_count === b.recurring?.interval_count;

/**
 * The invoice a subscription change would produce, computed on a copy of the subscription with
 * the same proration rules as `changeSubscription`, and nothing stored or emitted:
 * - `always_invoice`: the invoice billed at once for the change (prorations, and a new period
 *   for an interval change);
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
  // Proration helpers read "now" from the store; a view of it answers with the proration date.
  const store = Object.create(ctx.store, { now: { value: () => at } }) as Ctx['store'];
  const pctx: Ctx = { ...ctx, store };
  const sub = structuredClone(live);
  // As changeSubscription: nothing is billed during a trial, so changes in it create no lines and
  // an interval change keeps the trial (its new period starts when the trial ends).
  const trialing = sub.status === 'trialing';
  const collected: LineSpec[] = [];
  const lines = { push: (...l: LineSpec[]) => (trialing ? 0 : collected.push(...l)) };
  let intervalChanged = false;
  for (const c of changes) {
    const item = c.id ? sub.items.data.find((i) => i.id === c.id) : undefined;
    if (c.id && !item) throw resourceMissing('subscription_item', c.id, `${c.param}[id]`);
    if (c.price) {
      requireRecurring(c.price, `${c.param}[price]`);
      priceAmountIn(ctx, c.price, sub.currency, `${c.param}[price]`);
    }
    if (item && c.deleted) {
      lines.push(unusedTimeLine(pctx, sub, item));
      sub.items.data = sub.items.data.filter((i) => i.id !== item.id);
      continue;
    }
    if (item) {
      const newPrice = c.price ?? item.price;
      const newQty = c.quantity ?? item.quantity ?? 1;
      if (newPrice.id === item.price.id && newQty === (item.quantity ?? 1)) continue;
      lines.push(unusedTimeLine(pctx, sub, item));
      const changedInterval = !sameInterval(newPrice, item.price);
      item.price = embeddedPrice(newPrice);
      item.plan = planOf(newPrice);
      item.quantity = newQty;
      if (changedInterval && !trialing) {
        const rec = requireRecurring(newPrice, `${c.param}[price]`);
        item.current_period_start = at;
        item.current_period_end = addInterval(at, rec.interval, rec.interval_count);
        lines.push(fullLine(pctx, sub, item));
        intervalChanged = true;
      } else {
        lines.push(remainingTimeLine(pctx, sub, item));
      }
      continue;
    }
    if (!c.price) continue;
    const price = c.price;
    const rec = requireRecurring(price, `${c.param}[price]`);
    const peer = sub.items.data.find((i) => sameInterval(i.price, price));
    const created: Stripe.SubscriptionItem = {
      ...structuredClone(sub.items.data[0]!),
      id: newId('si'),
      price: embeddedPrice(price),
      plan: planOf(price),
      quantity: c.quantity ?? 1,
      metadata: c.metadata ?? {},
      current_period_start: peer ? peer.current_period_start : at,
      current_period_end: peer ? peer.current_period_end : addInterval(at, rec.interval, rec.interval_count),
    };
    sub.items.data.push(created);
    if (peer || trialing) lines.push(remainingTimeLine(pctx, sub, created));
    else {
      lines.push(fullLine(pctx, sub, created));
      intervalChanged = true;
    }
  }
  const billNow = opts.proration === 'always_invoice' || intervalChanged;
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
      return fullLine(pctx, sub, {
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
  const credit = Math.max(0, -(customer?.balance ?? 0));
  const amountDue = Math.max(0, total - credit);
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
