import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { creditLedger, userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits } from '@/lib/credits';
import { InsufficientCredits } from '@/lib/errors';
import { createUserWithToken } from '../helpers/app';
import { catalogDatabaseForFile, expectLedgerMatchesGrants, putTeamOnPlan, setSubscriptionStatus } from './helpers';

/**
 * The allowance's plan-dependent paths of lib/credits/grants.ts called through the credit API
 * (getCredits, deductCredit), with the subscription mirror written directly: unpaid plans, per-team
 * versus per-member allowances, plans left and taken again within one window, a switch to an
 * unlimited plan seen first by a read, and a Starter month followed by an anchored window.
 */
const t = catalogDatabaseForFile();

const NOV_1 = new Date('2026-11-01T00:00:00Z');
const DEC_1 = new Date('2026-12-01T00:00:00Z');

const setStatus = (teamId: string, status: string, pastDueSince: Date | null = null) =>
  setSubscriptionStatus(t.db, teamId, status, pastDueSince);

const ledgerOf = async (teamId: string) =>
  (await t.db.select().from(creditLedger).where(eq(creditLedger.teamId, teamId)).orderBy(creditLedger.id)).map(
    (e) => `${e.entryType} ${e.delta}`,
  );

const balance = async (clock: ManualClock, teamId: string) =>
  (await getCredits({ db: t.db, clock }, teamId)).ai_stories.remaining_credits;

describe('unpaid plans', () => {
  it('past due within the grace period: a new window brings no allowance; after it, Starter’s 25; paid, the plan’s less what the window spent', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await putTeamOnPlan(t.db, user.teamId, 'professional_monthly', NOV_1, DEC_1);
    await deductCredit(deps, user.teamId, 'ai_stories', 200, 'november');
    // The renewal of Dec 1 fails: past due from then, grace of 7 days (PAST_DUE_GRACE_DAYS' default).
    await setStatus(user.teamId, 'past_due', DEC_1);
    clock.set('2026-12-02T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({ remaining_credits: 0, allowance: null });
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 1, 'unpaid')).rejects.toBeInstanceOf(
      InsufficientCredits,
    );
    clock.set('2026-12-07T23:59:59Z');
    expect(await balance(clock, user.teamId)).toBe(0);
    // Grace over: Starter's allowance for the window (Dec 1 to Jan 1, the anchor's day).
    clock.set('2026-12-08T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 25,
      allowance: { amount: 25, used: 0, remaining: 25, period_start: '2026-12-01T00:00:00.000Z' },
    });
    await deductCredit(deps, user.teamId, 'ai_stories', 5, 'on-starter');
    await setStatus(user.teamId, 'active');
    clock.set('2026-12-09T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 195,
      allowance: { amount: 200, used: 5, remaining: 195 },
    });
    expect(await ledgerOf(user.teamId)).toEqual([
      'grant 200',
      'usage -200',
      'grant 25',
      'usage -5',
      'plan_change -20',
      'grant 195',
    ]);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });
});

describe('per-team and per-member allowances', () => {
  it('Starter gives 25 per team whatever its size; Professional 200 per member', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const owner = await createUserWithToken(t.db);
    await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'admin' } });
    expect((await getCredits({ db: t.db, clock }, owner.teamId)).ai_stories).toMatchObject({
      remaining_credits: 25,
      allowance: { amount: 25 },
    });
    await putTeamOnPlan(t.db, owner.teamId, 'professional_monthly', NOV_1, DEC_1);
    expect((await getCredits({ db: t.db, clock }, owner.teamId)).ai_stories).toMatchObject({
      remaining_credits: 600,
      allowance: { amount: 600, used: 0 },
    });
  });
});

describe('plan changes within one window', () => {
  it('a plan left and taken again: its new grant is the allowance less what its voided grant spent', async () => {
    const clock = new ManualClock('2026-11-02T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await putTeamOnPlan(t.db, user.teamId, 'professional_monthly', NOV_1, DEC_1);
    await deductCredit(deps, user.teamId, 'ai_stories', 50, 'on-pro');
    await setStatus(user.teamId, 'canceled');
    clock.set('2026-11-03T00:00:00Z');
    // On Starter the window's 50 already spent exceed its 25: nothing new.
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({ remaining_credits: 0, allowance: null });
    await putTeamOnPlan(t.db, user.teamId, 'professional_monthly', NOV_1, DEC_1);
    clock.set('2026-11-04T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 150,
      allowance: { amount: 200, used: 50, remaining: 150 },
    });
    await deductCredit(deps, user.teamId, 'ai_stories', 150, 'rest');
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 1, 'over')).rejects.toBeInstanceOf(InsufficientCredits);
    expect(await ledgerOf(user.teamId)).toEqual([
      'grant 200',
      'usage -50',
      'plan_change -150',
      'grant 150',
      'usage -150',
    ]);
    // The old grant was voided once, by the read of Nov 3, and stays so.
    const pro = await t.db
      .select({ amount: userCredits.amount, remaining: userCredits.remaining, voidedAt: userCredits.voidedAt })
      .from(userCredits)
      .where(eq(userCredits.teamId, user.teamId))
      .orderBy(userCredits.createdAt);
    expect(pro).toEqual([
      { amount: 200, remaining: 0, voidedAt: new Date('2026-11-03T00:00:00Z') },
      { amount: 150, remaining: 0, voidedAt: null },
    ]);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('a switch to an unlimited plan, seen first by a read: the old allowance is voided, not shown', async () => {
    const clock = new ManualClock('2026-11-10T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await putTeamOnPlan(t.db, user.teamId, 'professional_monthly', NOV_1, DEC_1);
    await deductCredit(deps, user.teamId, 'ai_stories', 50, 'on-pro');
    await putTeamOnPlan(t.db, user.teamId, 'business_monthly', NOV_1, DEC_1);
    clock.set('2026-11-11T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      unlimited: true,
      remaining_credits: 0,
      allowance: null,
      grants: [],
    });
    expect(await ledgerOf(user.teamId)).toEqual(['grant 200', 'usage -50', 'plan_change -150']);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('a Starter month, then a window anchored mid-month on Starter: the new grant lasts to the window’s end', async () => {
    // Starter spends 10 of November's 25; a subscription starting Nov 15 anchors the windows and is
    // cancelled at once. Starter's window is now Nov 15 to Dec 15: the calendar grant (ending Dec 1)
    // is voided and the 15 left are granted again until Dec 15.
    const clock = new ManualClock('2026-11-10T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 10, 'on-starter');
    await putTeamOnPlan(
      t.db,
      user.teamId,
      'professional_monthly',
      new Date('2026-11-15T00:00:00Z'),
      new Date('2026-12-15T00:00:00Z'),
    );
    await setStatus(user.teamId, 'canceled');
    clock.set('2026-11-20T00:00:00Z');
    expect(await balance(clock, user.teamId)).toBe(15);
    clock.set('2026-12-05T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 15,
      allowance: { amount: 25, used: 10, remaining: 15, resets_at: '2026-12-15T00:00:00.000Z' },
    });
    expect(await ledgerOf(user.teamId)).toEqual(['grant 25', 'usage -10', 'plan_change -15', 'grant 15']);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('a plan change after the old allowance was spent in full: the window’s allowance is the new plan’s, counted once', async () => {
    const clock = new ManualClock('2026-11-10T00:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    await deductCredit(deps, user.teamId, 'ai_stories', 25, 'all-of-starter');
    await putTeamOnPlan(t.db, user.teamId, 'professional_monthly', NOV_1, DEC_1);
    clock.set('2026-11-12T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 175,
      allowance: { amount: 200, used: 25, remaining: 175 },
      warnings: [],
    });
    const starter = await t.db
      .select()
      .from(userCredits)
      .where(and(eq(userCredits.teamId, user.teamId), eq(userCredits.packageId, 'starter')));
    expect(starter).toMatchObject([{ remaining: 0 }]);
    expect(await ledgerOf(user.teamId)).toEqual(['grant 25', 'usage -25', 'grant 175']);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });
});
