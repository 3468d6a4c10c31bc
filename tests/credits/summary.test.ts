import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger } from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, grantAdjustment, grantPackCredits, reserve, voidPackCredits } from '@/lib/credits';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants, putTeamOnPlan } from './helpers';

/** getCredits field by field: which grants are listed, in which order, and what the totals count. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

const pack = (clock: ManualClock, teamId: string, packageId: string, credits: number, days: number, priority = false) =>
  t.db.transaction((tx) =>
    grantPackCredits(tx, clock, undefined, {
      teamId,
      packageId,
      credits,
      validityDays: days,
      priority,
      businessKey: `${packageId}:${teamId}:${days}`,
      sourceRef: `cs_${packageId}`,
    }),
  );

describe('getCredits', () => {
  it('lists the spendable grants soonest expiry first, never-expiring last; expired, voided and empty ones are left out', async () => {
    const clock = new ManualClock('2026-11-01T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await pack(clock, user.teamId, 'credits_50', 50, 2); // expires on Nov 3
    clock.set('2026-11-10T12:00:00Z');
    const refunded = await pack(clock, user.teamId, 'credits_100', 100, 90);
    await t.db.transaction((tx) => voidPackCredits(tx, clock, { businessKey: refunded.businessKey }));
    const soon = await pack(clock, user.teamId, 'credits_50', 50, 90);
    const late = await pack(clock, user.teamId, 'credits_250', 250, 120, true);
    const { grant: goodwill } = await grantAdjustment(t.db, clock, undefined, {
      teamId: user.teamId,
      credits: 10,
      validityDays: null,
      reason: 'goodwill',
      businessKey: 'summary',
    });
    const { grant: spent } = await grantAdjustment(t.db, clock, undefined, {
      teamId: user.teamId,
      credits: 1,
      validityDays: 5,
      reason: 'one',
      businessKey: 'summary-one',
    });
    await reserve(deps, user.teamId, 26, 'hold'); // the allowance's 25, then the soonest-expiring grant's 1
    const credits = (await getCredits(deps, user.teamId)).ai_stories;
    expect(credits).toEqual({
      remaining_credits: 310,
      unlimited: false,
      allowance: {
        period_start: '2026-11-01T00:00:00.000Z',
        period_end: '2026-12-01T00:00:00.000Z',
        amount: 25,
        used: 25,
        remaining: 0,
        resets_at: '2026-12-01T00:00:00.000Z',
      },
      grants: [
        {
          id: soon.id,
          source: 'credit_pack',
          package_id: 'credits_50',
          amount: 50,
          remaining: 50,
          expires_at: '2027-02-08T12:00:00.000Z',
          priority: false,
        },
        {
          id: late.id,
          source: 'credit_pack',
          package_id: 'credits_250',
          amount: 250,
          remaining: 250,
          expires_at: '2027-03-10T12:00:00.000Z',
          priority: true,
        },
        {
          id: goodwill.id,
          source: 'adjustment',
          package_id: null,
          amount: 10,
          remaining: 10,
          expires_at: null,
          priority: false,
        },
      ],
      held_credits: 26,
      next_expiry: '2027-02-08T12:00:00.000Z',
      priority_processing: true,
      warnings: ["Only 0 of this month's 25 AI stories are left"],
    });
    expect(spent.remaining).toBe(1); // before the hold took it
  });

  it('no priority processing without a priority grant; no next expiry with only never-expiring grants; held credits are per team', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    const other = await createUserWithToken(t.db);
    await reserve(deps, other.teamId, 5, 'elsewhere');
    await grantAdjustment(t.db, clock, undefined, {
      teamId: user.teamId,
      credits: 10,
      validityDays: null,
      reason: 'goodwill',
      businessKey: 'summary-2',
    });
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 35,
      held_credits: 0,
      next_expiry: null,
      priority_processing: false,
      warnings: [],
      allowance: { amount: 25, used: 0, remaining: 25 },
    });
    await pack(clock, user.teamId, 'credits_100', 100, 90);
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      next_expiry: '2027-02-08T12:00:00.000Z',
      priority_processing: false,
    });
  });

  it('an unlimited plan has no allowance, and lists its packs', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const user = await createUserWithToken(t.db);
    await putTeamOnPlan(
      t.db,
      user.teamId,
      'business_monthly',
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    await pack(clock, user.teamId, 'credits_50', 50, 90);
    expect((await getCredits({ db: t.db, clock }, user.teamId)).ai_stories).toMatchObject({
      unlimited: true,
      allowance: null,
      remaining_credits: 50,
      grants: [{ source: 'credit_pack', remaining: 50 }],
    });
  });

  it('a plan change mid-month: the allowance counts what the voided allowance of the old plan already spent', async () => {
    // Starter spends 10 of its 25 on Nov 10; Professional then starts on the same month's window,
    // voids the Starter grant and tops up 200 - 10 = 190. The month's allowance is 200, 10 used.
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 10, 'on-starter');
    await putTeamOnPlan(
      t.db,
      user.teamId,
      'professional_monthly',
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    clock.set('2026-11-12T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 190,
      allowance: { amount: 200, used: 10, remaining: 190 },
      grants: [{ source: 'plan_allowance', amount: 190, remaining: 190 }],
    });
    // The Starter grant's 15 unspent credits leave through a plan_change entry, so the ledger still balances.
    const voided = await t.db
      .select({ delta: creditLedger.delta })
      .from(creditLedger)
      .where(and(eq(creditLedger.teamId, user.teamId), eq(creditLedger.entryType, 'plan_change')));
    expect(voided).toEqual([{ delta: -15 }]);
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(190);
  });
});
