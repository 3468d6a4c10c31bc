import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { RateLimited } from '@/lib/errors';
import { hitRateLimit } from '@/lib/rate-limit';
import { connectDatabase } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('rate limiter', () => {
  const rule = { name: 'test', limit: 3, windowSeconds: 60 };

  it('allows the limit, then refuses with the seconds left in the window, then resets', async () => {
    const clock = new ManualClock('2026-11-01T00:00:10Z');
    for (let i = 0; i < 3; i++) await hitRateLimit({ db: t.db, clock }, rule, 'a');
    const err = await hitRateLimit({ db: t.db, clock }, rule, 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterSeconds).toBe(50);
    await hitRateLimit({ db: t.db, clock }, rule, 'b');
    clock.advance(50_000);
    await hitRateLimit({ db: t.db, clock }, rule, 'a');
  });

  it('shares its count between app instances (separate connection pools)', async () => {
    const clock = new ManualClock('2026-11-01T01:00:00Z');
    const other = connectDatabase(t.url, { max: 1 });
    try {
      await hitRateLimit({ db: t.db, clock }, rule, 'shared');
      await hitRateLimit({ db: other.db, clock }, rule, 'shared');
      await hitRateLimit({ db: t.db, clock }, rule, 'shared');
      await expect(hitRateLimit({ db: other.db, clock }, rule, 'shared')).rejects.toBeInstanceOf(RateLimited);
    } finally {
      await other.close();
    }
  });
});
