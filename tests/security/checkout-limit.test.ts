import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as checkoutRoute } from '@/app/api/packages/checkout/route';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { SOCKET_ADDRESS_HEADER } from '@/lib/http/client-address';
import { apiRequest, createUserWithToken, installTestContext, TEST_APP_URL } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/*
 * The checkout limit per IP must hold against a client that writes its own X-Forwarded-For. The
 * limit is checked before the handler runs, so Stripe is unreachable here on purpose: the first
 * ten answer 503, which is enough to show they were not refused by the limiter.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
  installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' } });
});
afterAll(async () => {
  await t?.close();
});

describe('checkout rate limit', () => {
  it('counts one connection address across users however X-Forwarded-For rotates: 429 with Retry-After in the envelope', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 11; i++) {
      const user = await createUserWithToken(t.db);
      last = await checkoutRoute(
        apiRequest('/api/packages/checkout', {
          token: user.token,
          headers: { [SOCKET_ADDRESS_HEADER]: '198.51.100.77', 'x-forwarded-for': `203.0.113.${i}` },
          body: { package_id: 'credits_50', success_url: `${TEST_APP_URL}/ok`, cancel_url: `${TEST_APP_URL}/c` },
        }),
      );
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).not.toContain(429);
    expect(statuses[10]).toBe(429);
    const retryAfter = Number(last!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(await last!.json()).toMatchObject({
      error: { code: 'rate_limited', details: { retry_after: retryAfter } },
    });
  });
});
