import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimited } from '@/lib/errors';
import { consumeRateLimit } from '@/lib/rate-limit';
import { connectDatabase } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});
// rate-limiter-flexible reads Date itself; fake timers move it.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-01T00:00:10Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('rate limiter (rate-limiter-flexible on PostgreSQL)', () => {
  const rule = { name: 'test', points: 3, durationSeconds: 60 } as const;

  it('allows the limit, then refuses with the seconds left, keeps subjects apart, then resets', async () => {
    for (let i = 0; i < 3; i++) await consumeRateLimit({ db: t.db }, rule, 'a');
    vi.setSystemTime(new Date('2026-11-01T00:00:20Z'));
    const err = await consumeRateLimit({ db: t.db }, rule, 'a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimited);
    expect((err as RateLimited).retryAfterSeconds).toBe(50);
    await consumeRateLimit({ db: t.db }, rule, 'b');
    vi.setSystemTime(new Date('2026-11-01T00:01:11Z'));
    await consumeRateLimit({ db: t.db }, rule, 'a');
  });

  it('shares its count between app instances (separate connection pools)', async () => {
    const other = connectDatabase(t.url, { max: 1, prepare: t.prepare });
    try {
      await consumeRateLimit({ db: t.db }, rule, 'shared');
      await consumeRateLimit({ db: other.db }, rule, 'shared');
      await consumeRateLimit({ db: t.db }, rule, 'shared');
      await expect(consumeRateLimit({ db: other.db }, rule, 'shared')).rejects.toBeInstanceOf(RateLimited);
    } finally {
      await other.close();
    }
  });

  it('counts exactly under concurrency: 20 at once against 3 points let 3 through', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => consumeRateLimit({ db: t.db }, rule, 'race')),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
  });
});
