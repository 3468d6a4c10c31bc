import type { Ctx } from '../context.js';

/**
 * Stripe expires open Checkout Sessions at `expires_at`. Done lazily on each
 * request (and after clock moves) rather than with timers, so the adjustable
 * clock drives it.
 */
export function sweepExpiredSessions(ctx: Ctx): void {
  const now = ctx.store.now();
  for (const s of ctx.store.all('checkout_sessions')) {
    if (s.status === 'open' && s.expires_at <= now) expireSession(ctx, s.id);
  }
}

export function expireSession(ctx: Ctx, id: string): void {
  const s = ctx.store.get('checkout_sessions', id);
  if (!s || s.status !== 'open') return;
  s.status = 'expired';
  s.url = null;
  ctx.emit('checkout.session.expired', s);
  ctx.changed();
}
