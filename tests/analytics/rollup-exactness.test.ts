import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactRollups, rebuildRollups } from '@/lib/analytics';
import { ManualClock } from '@/lib/clock';
import { deductCredit, release, reserve } from '@/lib/credits';
import { InsufficientCredits } from '@/lib/errors';
import { findPackage } from '@/lib/catalog/packages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { buyPack, createSubscription, createTeam, openCheckout, refundPack, seedCatalog } from './fixtures';

// The rollups are kept by triggers as purchases, refunds, checkouts and ledger entries are
// written; after any mix of those (some at once), they must equal a full recomputation from the
// base tables, before and after compaction.

let t: TestDatabase;
const clock = new ManualClock('2026-03-01T08:00:00Z');
const deps = () => ({ db: t.db, clock });
const teams: { id: string; currency: 'usd' | 'gbp' }[] = [];
const bought: { sessionId: string; amount: number; refunded: number }[] = [];
// Teams whose subscriptions change plan, status and add-ons (they spend no credits, so the plan
// type of past ledger entries stays what a rebuild infers).
const subscribers: string[] = [];
let counter = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  await seedCatalog(t.db);
  for (const [name, plan, currency, status] of [
    ['starter-a', null, 'gbp', null],
    ['starter-b', null, 'usd', null],
    ['pro-usd', 'professional_monthly', 'usd', 'active'],
    ['pro-gbp', 'professional_annual', 'gbp', 'past_due'],
    ['business', 'business_monthly', 'usd', 'active'],
    ['trial', 'professional_monthly', 'gbp', 'trialing'],
  ] as const) {
    const id = await createTeam(t.db, name);
    if (plan)
      await createSubscription(t.db, {
        teamId: id,
        packageId: plan,
        currency,
        status: status!,
        periodStart: '2026-02-20T00:00:00Z',
      });
    teams.push({ id, currency });
  }
  for (const [name, currency] of [
    ['subscriber-usd', 'usd'],
    ['subscriber-gbp', 'gbp'],
  ] as const) {
    const id = await createTeam(t.db, name);
    await createSubscription(t.db, { teamId: id, packageId: 'professional_monthly', currency, status: 'active' });
    subscribers.push(id);
  }
}, 60_000);
afterAll(async () => {
  await t?.close();
});

type Op =
  | { kind: 'buy'; team: number; pack: 'credits_50' | 'credits_100' | 'credits_250' }
  | { kind: 'refund'; purchase: number; share: number }
  | { kind: 'checkout'; team: number; pack: string; status: 'open' | 'expired' }
  | { kind: 'deduct'; team: number; amount: number }
  | { kind: 'hold'; team: number; amount: number; released: boolean }
  | { kind: 'burst'; amounts: number[] }
  | { kind: 'advance'; hours: number }
  | { kind: 'subscription'; team: number; status: string; plan: string }
  | { kind: 'addon'; team: number; addon: string; change: 'add' | 'remove' | 'quantity'; quantity: number };

const teamIndex = fc.integer({ min: 0, max: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('buy' as const),
    team: teamIndex,
    pack: fc.constantFrom('credits_50' as const, 'credits_100' as const, 'credits_250' as const),
  }),
  fc.record({
    kind: fc.constant('refund' as const),
    purchase: fc.nat(),
    share: fc.double({ min: 0.05, max: 1, noNaN: true }),
  }),
  fc.record({
    kind: fc.constant('checkout' as const),
    team: teamIndex,
    pack: fc.constantFrom('credits_50', 'professional_monthly', 'addon_storage'),
    status: fc.constantFrom('open' as const, 'expired' as const),
  }),
  fc.record({ kind: fc.constant('deduct' as const), team: teamIndex, amount: fc.integer({ min: 1, max: 80 }) }),
  fc.record({
    kind: fc.constant('hold' as const),
    team: teamIndex,
    amount: fc.integer({ min: 1, max: 30 }),
    released: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('burst' as const),
    amounts: fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 6, maxLength: 6 }),
  }),
  // Up to 50 days: packs (90–120 days) and monthly allowances expire along the way.
  fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 1200 }) }),
  fc.record({
    kind: fc.constant('subscription' as const),
    team: fc.integer({ min: 0, max: 1 }),
    status: fc.constantFrom('active', 'past_due', 'trialing', 'canceled', 'unpaid'),
    plan: fc.constantFrom('professional_monthly', 'professional_annual', 'business_monthly'),
  }),
  fc.record({
    kind: fc.constant('addon' as const),
    team: fc.integer({ min: 0, max: 1 }),
    addon: fc.constantFrom('addon_storage', 'addon_integrations'),
    change: fc.constantFrom('add' as const, 'remove' as const, 'quantity' as const),
    quantity: fc.integer({ min: 1, max: 3 }),
  }),
);

async function spend(team: number, amount: number) {
  try {
    await deductCredit(deps(), teams[team]!.id, 'ai_stories', amount, `story-${++counter}`);
  } catch (err) {
    if (!(err instanceof InsufficientCredits)) throw err;
  }
}

async function run(o: Op): Promise<void> {
  switch (o.kind) {
    case 'buy': {
      const team = teams[o.team]!;
      const sessionId = await buyPack(t.db, clock, { teamId: team.id, packageId: o.pack, currency: team.currency });
      bought.push({ sessionId, amount: findPackage(o.pack)!.prices[team.currency]!, refunded: 0 });
      return;
    }
    case 'refund': {
      if (bought.length === 0) return;
      const p = bought[o.purchase % bought.length]!;
      // Stripe reports the cumulative refund: it only grows.
      p.refunded = Math.min(p.amount, Math.max(p.refunded, Math.ceil(p.amount * o.share)));
      await refundPack(t.db, clock, p.sessionId, p.refunded);
      return;
    }
    case 'checkout': {
      const team = teams[o.team]!;
      await openCheckout(t.db, {
        teamId: team.id,
        packageId: o.pack,
        currency: team.currency,
        at: clock.now().toISOString(),
        status: o.status,
      });
      return;
    }
    case 'deduct':
      return spend(o.team, o.amount);
    case 'hold': {
      const teamId = teams[o.team]!.id;
      try {
        const hold = await reserve(deps(), teamId, o.amount, `hold-${++counter}`);
        if (o.released) await release(deps(), teamId, hold.reservation_id);
      } catch (err) {
        if (!(err instanceof InsufficientCredits)) throw err;
      }
      return;
    }
    case 'burst':
      // Deductions for every team at once, with a compaction racing them (on PostgreSQL these really overlap).
      await Promise.all([...o.amounts.map((amount, team) => spend(team, amount)), compactRollups(t.db)]);
      return;
    case 'advance':
      clock.advance(o.hours * 3_600_000);
      return;
    case 'subscription':
      await t.sql`UPDATE subscriptions SET status = ${o.status}, package_id = ${o.plan} WHERE team_id = ${subscribers[o.team]!}`;
      return;
    case 'addon': {
      const teamId = subscribers[o.team]!;
      if (o.change === 'add')
        await t.sql`INSERT INTO subscription_addons (team_id, subscription_id, package_id, status, quantity)
          SELECT ${teamId}, id, ${o.addon}, 'active', ${o.quantity} FROM subscriptions WHERE team_id = ${teamId}
          ON CONFLICT DO NOTHING`;
      else if (o.change === 'remove')
        await t.sql`UPDATE subscription_addons SET status = 'removed'
          WHERE team_id = ${teamId} AND package_id = ${o.addon} AND status = 'active'`;
      else
        await t.sql`UPDATE subscription_addons SET quantity = ${o.quantity}
          WHERE team_id = ${teamId} AND package_id = ${o.addon} AND status = 'active'`;
      return;
    }
  }
}

async function snapshot() {
  return {
    daily: await t.sql`SELECT * FROM package_performance_daily ORDER BY day, package_id, currency`,
    credits: await t.sql`SELECT * FROM credit_usage_daily ORDER BY day, source, plan_type`,
    packages: await t.sql`SELECT * FROM package_performance ORDER BY package_id, currency NULLS FIRST`,
    usage: await t.sql`SELECT * FROM credit_usage ORDER BY source, plan_type`,
    paying: await t.sql`SELECT package_id, currency, SUM(units) AS units FROM analytics_subscriptions_live
      GROUP BY package_id, currency HAVING SUM(units) <> 0 ORDER BY package_id, currency`,
  };
}

describe('analytics rollups', () => {
  it('equal a full recomputation after a random mix of purchases, refunds, checkouts, expiries, deductions and subscription changes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 30 }), async (ops) => {
        for (const o of ops) await run(o);
        const kept = await snapshot();
        await compactRollups(t.db);
        const compacted = await snapshot();
        expect(compacted).toEqual(kept);
        await rebuildRollups(t.db);
        expect(await snapshot()).toEqual(kept);
        // And the paying units equal the subscriptions and add-ons as they are.
        const direct = await t.sql`SELECT package_id, currency, SUM(units) AS units FROM (
            SELECT package_id, currency, 1 AS units FROM subscriptions WHERE status IN ('active', 'past_due')
            UNION ALL
            SELECT a.package_id, s.currency, a.quantity FROM subscription_addons a JOIN subscriptions s ON s.id = a.subscription_id
            WHERE a.status = 'active' AND s.status IN ('active', 'past_due')) p
          GROUP BY package_id, currency ORDER BY package_id, currency`;
        expect(kept.paying).toEqual(direct);
      }),
      { numRuns: 8, seed: 20261126 },
    );
    // The runs did move money and credits, or this proved nothing.
    const [moved] =
      await t.sql`SELECT SUM(total_purchases) AS purchases, SUM(refunded_amount) AS refunded FROM package_performance`;
    const [credits] =
      await t.sql`SELECT SUM(granted) AS granted, SUM(spent) AS spent, SUM(expired) AS expired FROM credit_usage`;
    expect(Number(moved!.purchases)).toBeGreaterThan(5);
    expect(Number(moved!.refunded)).toBeGreaterThan(0);
    expect(Number(credits!.spent)).toBeGreaterThan(0);
    expect(Number(credits!.expired)).toBeGreaterThan(0);
  }, 180_000);
});
