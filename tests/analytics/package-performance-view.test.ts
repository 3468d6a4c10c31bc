import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES } from '@/lib/catalog/packages';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
let teamId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
  const [user] = await t.sql`INSERT INTO users (id, email) VALUES ('u-view', 'view@example.com') RETURNING id`;
  const [team] = await t.sql`INSERT INTO teams (name, owner_id) VALUES ('T', ${user!.id}) RETURNING id`;
  teamId = team!.id as string;
}, 60_000);
afterAll(async () => {
  await t?.close();
});

let n = 0;
async function sale(packageId: string, currency: string, amount: number, at = '2026-11-10T12:00:00Z') {
  n += 1;
  await t.sql`INSERT INTO checkout_sessions (stripe_session_id, team_id, package_id, mode, currency, status, created_at)
    VALUES (${`cs_view_${n}`}, ${teamId}, ${packageId}, 'payment', ${currency}, 'complete', ${at})`;
  await t.sql`INSERT INTO user_purchases (team_id, package_id, business_key, amount, currency, purchased_at)
    VALUES (${teamId}, ${packageId}, ${`checkout:cs_view_${n}`}, ${amount}, ${currency}, ${at})`;
}

describe('package_performance view', () => {
  it('counts checkout sessions per package and currency, not per package on every currency row', async () => {
    await sale('credits_50', 'gbp', 500);
    await sale('credits_50', 'usd', 600);
    const rows = await t.sql<
      { currency: string; checkouts_started: string | number; checkouts_completed: string | number }[]
    >`
      SELECT currency, checkouts_started, checkouts_completed FROM package_performance
      WHERE package_id = 'credits_50' ORDER BY currency`;
    expect(rows.map((r) => [r.currency, Number(r.checkouts_started), Number(r.checkouts_completed)])).toEqual([
      ['gbp', 1, 1],
      ['usd', 1, 1],
    ]);
  });

  it('sums revenue as bigint: totals above 2.1 billion minor units do not overflow', async () => {
    await sale('business_annual', 'usd', 2_000_000_000);
    await sale('business_annual', 'usd', 2_000_000_000);
    const [row] = await t.sql<{ total_revenue: string | number; total_purchases: string | number }[]>`
      SELECT total_revenue, total_purchases FROM package_performance
      WHERE package_id = 'business_annual' AND currency = 'usd'`;
    expect(String(row!.total_revenue)).toBe('4000000000');
    expect(Number(row!.total_purchases)).toBe(2);
  });
});
