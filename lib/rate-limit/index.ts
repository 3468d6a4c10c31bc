import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import type { Clock } from '@/lib/clock';
import { RateLimited } from '@/lib/errors';

export interface RateLimitRule {
  name: string;
  limit: number;
  windowSeconds: number;
}

/**
 * Counts one hit against `rule` for `subject` in a fixed window kept in PostgreSQL, so every
 * app instance shares the count. Throws RateLimited (429, Retry-After) past the limit.
 */
export async function hitRateLimit(
  deps: { db: DbOrTx; clock: Clock },
  rule: RateLimitRule,
  subject: string,
): Promise<void> {
  const nowMs = deps.clock.now().getTime();
  const windowMs = rule.windowSeconds * 1000;
  const windowStart = new Date(Math.floor(nowMs / windowMs) * windowMs);
  const key = `${rule.name}:${subject}`;
  const rows = await deps.db.execute<{ count: number }>(sql`
    INSERT INTO rate_limits (key, window_start, count) VALUES (${key}, ${windowStart.toISOString()}, 1)
    ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limits.count + 1
    RETURNING count`);
  const count = Number(rows[0]?.count ?? 0);
  // Old windows are useless; trimming them now and then keeps the table small.
  if (count === 1 && Math.random() < 0.01) {
    await deps.db.execute(
      sql`DELETE FROM rate_limits WHERE window_start < ${new Date(nowMs - 86_400_000).toISOString()}`,
    );
  }
  if (count > rule.limit) {
    throw new RateLimited(Math.max(1, Math.ceil((windowStart.getTime() + windowMs - nowMs) / 1000)));
  }
}

export const RATE_LIMITS = {
  signIn: { name: 'sign-in', limit: 10, windowSeconds: 300 },
  checkout: { name: 'checkout', limit: 10, windowSeconds: 60 },
} satisfies Record<string, RateLimitRule>;
