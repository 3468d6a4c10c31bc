import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, teamMembers } from '@/db/schema';
import { and, eq } from 'drizzle-orm';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits } from '@/lib/credits';
import { allowancePeriod } from '@/lib/credits/rules';
import { InsufficientCredits } from '@/lib/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants, putTeamOnPlan } from './helpers';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

describe('allowance periods', () => {
  it('are calendar months without a plan and billing-anchored months with one, clamping short months', () => {
    expect(allowancePeriod(new Date('2026-12-31T23:59:59Z'), null)).toEqual({
      start: new Date('2026-12-01T00:00:00Z'),
      end: new Date('2027-01-01T00:00:00Z'),
    });
    const anchor = new Date('2026-01-31T10:00:00Z');
    expect(allowancePeriod(new Date('2026-02-27T00:00:00Z'), anchor)).toEqual({
      start: new Date('2026-01-31T10:00:00Z'),
      end: new Date('2026-02-28T10:00:00Z'),
    });
    expect(allowancePeriod(new Date('2026-03-01T00:00:00Z'), anchor)).toEqual({
      start: new Date('2026-02-28T10:00:00Z'),
      end: new Date('2026-03-31T10:00:00Z'),
    });
  });
});

describe('plan allowances', () => {
  it('Starter: 25 per team per calendar month, granted on first use, not rolled over', async () => {
    const clock = new ManualClock('2026-11-30T23:00:00Z');
    const deps = { db: t.db, clock };
    const user = await createUserWithToken(t.db);
    expect(await t.db.select().from(creditLedger).where(eq(creditLedger.teamId, user.teamId))).toEqual([]);
    await deductCredit(deps, user.teamId, 'ai_stories', 5, 'nov');
    expect((await getCredits(deps, user.teamId)).ai_stories.allowance).toMatchObject({
      amount: 25,
      used: 5,
      remaining: 20,
      resets_at: '2026-12-01T00:00:00.000Z',
    });
    clock.set('2026-12-01T00:00:00Z');
    const december = (await getCredits(deps, user.teamId)).ai_stories;
    expect(december.remaining_credits).toBe(25);
    expect(december.allowance).toMatchObject({ period_start: '2026-12-01T00:00:00.000Z', used: 0 });
    await deductCredit(deps, user.teamId, 'ai_stories', 25, 'dec');
    await expect(deductCredit(deps, user.teamId, 'ai_stories', 1, 'dec-2')).rejects.toBeInstanceOf(InsufficientCredits);
    clock.set('2027-01-01T00:00:00Z');
    expect((await getCredits(deps, user.teamId)).ai_stories.remaining_credits).toBe(25);
    await expectLedgerMatchesGrants(t.db, user.teamId, clock.now());
  });

  it('Professional: 200 per member per month, topped up when a member joins mid-month', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const deps = { db: t.db, clock };
    const owner = await createUserWithToken(t.db);
    await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    await putTeamOnPlan(
      t.db,
      owner.teamId,
      'professional_monthly',
      new Date('2026-11-15T08:00:00Z'),
      new Date('2026-12-15T08:00:00Z'),
    );
    let credits = (await getCredits(deps, owner.teamId)).ai_stories;
    expect(credits).toMatchObject({ unlimited: false, remaining_credits: 400 });
    expect(credits.allowance).toMatchObject({
      amount: 400,
      period_start: '2026-11-15T08:00:00.000Z',
      resets_at: '2026-12-15T08:00:00.000Z',
    });
    await deductCredit(deps, owner.teamId, 'ai_stories', 350, 'big');
    await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    credits = (await getCredits(deps, owner.teamId)).ai_stories;
    expect(credits.allowance).toMatchObject({ amount: 600, used: 350, remaining: 250 });
    // A member leaving does not take credits back; the count only grows within a month.
    await t.db.delete(teamMembers).where(and(eq(teamMembers.teamId, owner.teamId), eq(teamMembers.role, 'member')));
    expect((await getCredits(deps, owner.teamId)).ai_stories.allowance).toMatchObject({ amount: 600, remaining: 250 });
    clock.set('2026-12-15T08:00:00Z');
    expect((await getCredits(deps, owner.teamId)).ai_stories.allowance).toMatchObject({
      amount: 200,
      used: 0,
      period_start: '2026-12-15T08:00:00.000Z',
    });
    await expectLedgerMatchesGrants(t.db, owner.teamId, clock.now());
  });

  it('Professional annual: a fresh monthly allowance each month of the year, across the year boundary', async () => {
    const clock = new ManualClock('2026-12-20T00:00:00Z');
    const deps = { db: t.db, clock };
    const owner = await createUserWithToken(t.db);
    await putTeamOnPlan(
      t.db,
      owner.teamId,
      'professional_annual',
      new Date('2026-03-10T00:00:00Z'),
      new Date('2027-03-10T00:00:00Z'),
    );
    expect((await getCredits(deps, owner.teamId)).ai_stories.allowance).toMatchObject({
      amount: 200,
      period_start: '2026-12-10T00:00:00.000Z',
      resets_at: '2027-01-10T00:00:00.000Z',
    });
    await deductCredit(deps, owner.teamId, 'ai_stories', 200, 'all');
    clock.set('2027-01-10T00:00:00Z');
    expect((await getCredits(deps, owner.teamId)).ai_stories).toMatchObject({
      remaining_credits: 200,
      allowance: { period_start: '2027-01-10T00:00:00.000Z', used: 0 },
    });
    await expectLedgerMatchesGrants(t.db, owner.teamId, clock.now());
  });

  it('Business: unlimited; usage is recorded, nothing is deducted', async () => {
    const clock = new ManualClock('2026-11-20T00:00:00Z');
    const deps = { db: t.db, clock };
    const owner = await createUserWithToken(t.db);
    await putTeamOnPlan(
      t.db,
      owner.teamId,
      'business_monthly',
      new Date('2026-11-01T00:00:00Z'),
      new Date('2026-12-01T00:00:00Z'),
    );
    for (let i = 0; i < 30; i++) await deductCredit(deps, owner.teamId, 'ai_stories', 10, `s${i}`);
    const credits = (await getCredits(deps, owner.teamId)).ai_stories;
    expect(credits).toMatchObject({ unlimited: true, allowance: null, remaining_credits: 0 });
    const usage = await t.db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.teamId, owner.teamId), eq(creditLedger.entryType, 'usage')));
    expect(usage).toHaveLength(30);
    expect(usage.every((u) => u.delta === 0)).toBe(true);
  });
});
