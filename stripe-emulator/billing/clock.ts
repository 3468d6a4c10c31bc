import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { sweepExpiredSessions } from './expiry.js';
import { advanceSubscription, sendTrialWillEnd, trialWillEndAt } from './subscriptions.js';
import { finalizeRenewal, invoiceOverdueAt, markOverdue, retryPayment } from './collection.js';

export function nextBoundary(sub: Stripe.Subscription): number | null {
  // A paused subscription generates no invoices until resumed.
  if (['canceled', 'incomplete_expired', 'incomplete', 'paused'].includes(sub.status)) return null;
  const candidates = [Math.min(...sub.items.data.map((i) => i.current_period_end))];
  if (sub.status === 'trialing' && sub.trial_end !== null) candidates.push(sub.trial_end);
  if (sub.cancel_at !== null) candidates.push(sub.cancel_at);
  return Math.min(...candidates);
}

interface Job {
  at: number;
  run(): void;
}

/** The earliest thing due by `target`: a renewal, trial notice, draft finalization or payment retry. */
function nextJob(ctx: Ctx, target: number): Job | null {
  let best: Job | null = null;
  const consider = (at: number | null, run: () => void) => {
    if (at !== null && at <= target && (!best || at < best.at)) best = { at, run };
  };
  for (const sub of ctx.store.all('subscriptions')) {
    consider(trialWillEndAt(ctx, sub), () => sendTrialWillEnd(ctx, sub));
    consider(nextBoundary(sub), () => advanceSubscription(ctx, sub));
  }
  for (const invoice of ctx.store.all('invoices')) {
    if (invoice.status === 'draft' && invoice.automatically_finalizes_at !== null) {
      consider(invoice.automatically_finalizes_at, () => finalizeRenewal(ctx, invoice));
    }
    if (invoice.status === 'open' && invoice.auto_advance && invoice.next_payment_attempt !== null) {
      consider(invoice.next_payment_attempt, () => retryPayment(ctx, invoice));
    }
    consider(invoiceOverdueAt(ctx, invoice), () => markOverdue(ctx, invoice));
  }
  return best;
}

/**
 * Moves emulator time forward and lets everything that was due happen, in time order, like
 * advancing a Stripe test clock: trial notices, renewals (draft, then finalized and charged an
 * hour later), payment retries, trial ends, scheduled cancellations, session expiry.
 */
export function advanceClock(ctx: Ctx, seconds: number): void {
  const target = ctx.store.now() + seconds;
  for (let guard = 0; guard < 10_000; guard++) {
    const job = nextJob(ctx, target);
    if (!job) break;
    if (job.at > ctx.store.now()) ctx.store.clockOffsetSeconds += job.at - ctx.store.now();
    job.run();
  }
  const now = ctx.store.now();
  if (target > now) ctx.store.clockOffsetSeconds += target - now;
  sweepExpiredSessions(ctx);
  ctx.changed();
}

/**
 * The `/_emulator/subscriptions/:id/advance` helper: runs the clock to the subscription's next
 * boundary and through the hour before its renewal invoice is finalized and charged.
 */
export function advanceToNextRenewal(
  ctx: Ctx,
  sub: Stripe.Subscription,
  outcome?: 'paid' | 'failed',
): Stripe.Subscription {
  const boundary = nextBoundary(sub);
  if (boundary === null) {
    // Canceled ones refuse; an incomplete one renews at once, as this helper always did.
    return advanceSubscription(ctx, sub, { billNow: true });
  }
  if (outcome) ctx.store.billing.forcedRenewalOutcome[sub.id] = outcome;
  advanceClock(ctx, Math.max(0, boundary - ctx.store.now()));
  const latest = typeof sub.latest_invoice === 'string' ? ctx.store.get('invoices', sub.latest_invoice) : undefined;
  if (latest?.status === 'draft' && latest.automatically_finalizes_at !== null) {
    advanceClock(ctx, Math.max(0, latest.automatically_finalizes_at - ctx.store.now()));
  }
  delete ctx.store.billing.forcedRenewalOutcome[sub.id];
  return sub;
}
