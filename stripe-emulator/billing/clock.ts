import type { Ctx } from '../context.js';
import { sweepExpiredSessions } from './expiry.js';
import { advanceSubscription } from './subscriptions.js';

function nextBoundary(sub: import('stripe').Stripe.Subscription): number | null {
  if (sub.status === 'canceled' || sub.status === 'incomplete_expired' || sub.status === 'incomplete') return null;
  const candidates = [Math.min(...sub.items.data.map((i) => i.current_period_end))];
  if (sub.status === 'trialing' && sub.trial_end !== null) candidates.push(sub.trial_end);
  if (sub.cancel_at !== null) candidates.push(sub.cancel_at);
  return Math.min(...candidates);
}

/**
 * Moves emulator time forward and lets everything that was due happen, in
 * time order, like advancing a Stripe test clock: renewals, trial ends,
 * scheduled cancellations, session expiry.
 */
export function advanceClock(ctx: Ctx, seconds: number): void {
  const target = ctx.store.now() + seconds;
  for (let guard = 0; guard < 10_000; guard++) {
    let due: { id: string; at: number } | null = null;
    for (const sub of ctx.store.all('subscriptions')) {
      const at = nextBoundary(sub);
      if (at !== null && at <= target && (!due || at < due.at)) due = { id: sub.id, at };
    }
    if (!due) break;
    const sub = ctx.store.get('subscriptions', due.id);
    if (!sub) break;
    advanceSubscription(ctx, sub); // moves the clock to the boundary itself
  }
  const now = ctx.store.now();
  if (target > now) ctx.store.clockOffsetSeconds += target - now;
  sweepExpiredSessions(ctx);
  ctx.changed();
}
