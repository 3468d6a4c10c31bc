import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as purchases } from '@/app/api/packages/user/purchases/route';
import { apiRequest, createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Page = {
  purchases: {
    package_id: string;
    amount: number;
    currency: string;
    status: string;
    stripe: { checkout_session_id: string | null };
  }[];
  total: number;
  limit: number;
  offset: number;
};

describe('GET /api/packages/user/purchases', () => {
  it("pages through the team's purchases newest first, and only the team's", async () => {
    const user = await createUserWithToken(h.t.db);
    const other = await createUserWithToken(h.t.db);
    await h.buy(other, 'credits_50');
    for (const pack of ['credits_50', 'credits_100', 'credits_250']) await h.buy(user, pack);
    const first = (await (
      await purchases(apiRequest('/api/packages/user/purchases?limit=2', { token: user.token }))
    ).json()) as Page;
    expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
    expect(first.purchases.map((p) => p.package_id)).toEqual(['credits_250', 'credits_100']);
    expect(first.purchases[0]).toMatchObject({ amount: 2000, currency: 'gbp', status: 'paid' });
    expect(first.purchases[0]!.stripe.checkout_session_id).toMatch(/^cs_test_/);
    const second = (await (
      await purchases(apiRequest('/api/packages/user/purchases?limit=2&offset=2', { token: user.token }))
    ).json()) as Page;
    expect(second.purchases.map((p) => p.package_id)).toEqual(['credits_50']);
    const defaults = (await (
      await purchases(apiRequest('/api/packages/user/purchases', { token: other.token }))
    ).json()) as Page;
    expect(defaults).toMatchObject({ total: 1, limit: 20, offset: 0 });
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'offset=-1', 'offset=1.5', 'sort=asc'])(
    'answers 400 for %s',
    async (query) => {
      const user = await createUserWithToken(h.t.db);
      const res = await purchases(apiRequest(`/api/packages/user/purchases?${query}`, { token: user.token }));
      expect(res.status).toBe(400);
      const field = query.split('=')[0]!;
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(field);
    },
  );
});
