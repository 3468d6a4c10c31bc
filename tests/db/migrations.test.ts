import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '@/db/migrate';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('migrations', () => {
  it('create every table the system needs', async () => {
    const rows = await t.sql<
      { table_name: string }[]
    >`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    const tables = rows.map((r) => r.table_name);
    for (const name of [
      'stripe_products',
      'checkout_sessions',
      'user_purchases',
      'user_credits',
      'subscription_addons',
      'users',
      'teams',
      'team_members',
      'api_tokens',
      'subscriptions',
      'stripe_events',
      'credit_ledger',
      'rate_limiter_counters',
      'account_tokens',
    ]) {
      expect(tables, name).toContain(name);
    }
  });

  it('create both views, and they can be queried', async () => {
    const rows = await t.sql<
      { table_name: string }[]
    >`SELECT table_name FROM information_schema.views WHERE table_schema = 'public'`;
    expect(rows.map((r) => r.table_name).sort()).toEqual([
      'credit_usage',
      'credit_usage_daily',
      'package_performance',
      'package_performance_daily',
      'user_credit_summary',
    ]);
    await t.sql`SELECT * FROM user_credit_summary`;
    await t.sql`SELECT * FROM package_performance`;
  });

  it('guard invariants in the database: remaining never exceeds amount nor goes negative', async () => {
    const [user] = await t.sql`INSERT INTO users (id, email) VALUES ('u-mig', 'mig@example.com') RETURNING id`;
    const [team] = await t.sql`INSERT INTO teams (name, owner_id) VALUES ('T', ${user!.id}) RETURNING id`;
    const insert = (amount: number, remaining: number, key: string) =>
      t.sql`INSERT INTO user_credits (team_id, source, business_key, amount, remaining) VALUES (${team!.id}, 'adjustment', ${key}, ${amount}, ${remaining})`;
    await insert(10, 10, 'ok');
    await expect(insert(10, 11, 'over')).rejects.toThrow(/user_credits_remaining_range/);
    await expect(insert(10, -1, 'neg')).rejects.toThrow(/user_credits_remaining_range/);
    await expect(insert(10, 5, 'ok')).rejects.toThrow(/unique/);
  });

  it('are idempotent: applying them again changes nothing', async () => {
    await migrateDatabase(t.url);
    const rows = await t.sql<{ count: string }[]>`SELECT count(*) FROM drizzle.__drizzle_migrations`;
    expect(Number(rows[0]?.count)).toBeGreaterThan(0);
  });
});
