import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, grantAdjustment, memberUsage, release, reserve } from '@/lib/credits';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { putTeamOnPlan } from './helpers';

/** The user_credit_summary view's rows at a fixed time (the view itself is this function at now()). */
async function summaryAt(teamId: string, at: string) {
  const rows = await t.sql<
    { user_id: string; remaining_credits: number; used_this_period: number; next_expiry: Date | string | null }[]
  >`SELECT user_id, remaining_credits, used_this_period, next_expiry
    FROM user_credit_summary_at(${at}::timestamptz) WHERE team_id = ${teamId} ORDER BY user_id`;
  return rows.map((r) => ({
    ...r,
    next_expiry: r.next_expiry === null ? null : new Date(r.next_expiry).toISOString(),
  }));
}

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

// Fixed times from the injectable clock, never the real one: month boundaries are tested on purpose.
const AT = new Date('2026-11-10T12:00:00Z');
const deps = (clock = new ManualClock(AT)) => ({ db: t.db, clock });

describe('memberUsage: usage per member in the clock month', () => {
  it('reports what each member spent this month; released holds and other teams do not count', async () => {
    const owner = await createUserWithToken(t.db);
    const member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    const stranger = await createUserWithToken(t.db);
    await deductCredit(deps(), owner.teamId, 'ai_stories', 3, 'story-a', owner.userId);
    await deductCredit(deps(), owner.teamId, 'ai_stories', 2, 'story-b', member.userId);
    const held = await reserve(deps(), owner.teamId, 4, 'story-c', { userId: member.userId });
    const dropped = await reserve(deps(), owner.teamId, 5, 'story-d', { userId: member.userId });
    await release(deps(), owner.teamId, dropped.reservation_id);
    await deductCredit(deps(), stranger.teamId, 'ai_stories', 7, 'story-e', stranger.userId);
    expect(held.status).toBe('held');

    const usage = await memberUsage(t.db, owner.teamId, AT);
    expect(Object.fromEntries(usage.map((u) => [u.user_id, u.used_this_month]))).toEqual({
      [owner.userId]: 3,
      [member.userId]: 2 + 4,
    });
  });

  it('counts a spend in the month it was made: the last millisecond of October is not November', async () => {
    const owner = await createUserWithToken(t.db);
    const clock = new ManualClock('2026-10-31T23:59:59.999Z');
    await deductCredit(deps(clock), owner.teamId, 'ai_stories', 4, 'october', owner.userId);
    clock.set('2026-11-01T00:00:00.000Z');
    await deductCredit(deps(clock), owner.teamId, 'ai_stories', 6, 'november', owner.userId);
    expect(await memberUsage(t.db, owner.teamId, new Date('2026-10-31T23:59:59.999Z'))).toEqual([
      { user_id: owner.userId, email: owner.email, used_this_month: 4 },
    ]);
    expect(await memberUsage(t.db, owner.teamId, new Date('2026-11-01T00:00:00.000Z'))).toEqual([
      { user_id: owner.userId, email: owner.email, used_this_month: 6 },
    ]);
    // A member who spent nothing this month is listed with 0.
    expect(await memberUsage(t.db, owner.teamId, new Date('2026-12-01T00:00:00.000Z'))).toEqual([
      { user_id: owner.userId, email: owner.email, used_this_month: 0 },
    ]);
    // user_credit_summary counts the same months.
    expect((await summaryAt(owner.teamId, '2026-10-31T23:59:59.999Z'))[0]?.used_this_period).toBe(4);
    expect((await summaryAt(owner.teamId, '2026-11-01T00:00:00.000Z'))[0]?.used_this_period).toBe(6);
    expect((await summaryAt(owner.teamId, '2026-11-30T23:59:59.999Z'))[0]?.used_this_period).toBe(6);
    expect((await summaryAt(owner.teamId, '2026-12-01T00:00:00.000Z'))[0]?.used_this_period).toBe(0);
  });

  it('user_credit_summary at fixed times: the balance the API reports, and a pack leaving it at its expiry', async () => {
    const owner = await createUserWithToken(t.db);
    const member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    const clock = new ManualClock(AT);
    await grantAdjustment(t.db, clock, undefined, {
      teamId: owner.teamId,
      credits: 10,
      validityDays: 7,
      reason: 'goodwill',
      businessKey: `goodwill-${owner.teamId}`,
    });
    await deductCredit(deps(clock), owner.teamId, 'ai_stories', 2, 'story-x', member.userId);
    const expiry = new Date(AT.getTime() + 7 * 86_400_000).toISOString();
    const before = new Date(Date.parse(expiry) - 1).toISOString();
    const api = await getCredits(deps(new ManualClock(before)), owner.teamId);

    const rows = await summaryAt(owner.teamId, before);
    expect(rows.map((r) => r.remaining_credits)).toEqual([
      api.ai_stories.remaining_credits,
      api.ai_stories.remaining_credits,
    ]);
    expect(rows.map((r) => r.next_expiry)).toEqual([expiry, expiry]);
    expect(Object.fromEntries(rows.map((r) => [r.user_id, r.used_this_period]))).toEqual({
      [owner.userId]: 0,
      [member.userId]: 2,
    });
    const after = await summaryAt(owner.teamId, expiry);
    // The plan allowance is spent first, so the pack's 10 were all left to expire.
    expect(after[0]!.remaining_credits).toBe(api.ai_stories.remaining_credits - 10);
    expect(after[0]!.next_expiry === null || after[0]!.next_expiry > expiry).toBe(true);
  });

  it('counts usage on an unlimited plan, where nothing is deducted', async () => {
    const owner = await createUserWithToken(t.db);
    await putTeamOnPlan(
      t.db,
      owner.teamId,
      'business_monthly',
      new Date(AT.getTime() - 86_400_000),
      new Date(AT.getTime() + 20 * 86_400_000),
    );
    await deductCredit(deps(), owner.teamId, 'ai_stories', 40, 'big-story', owner.userId);
    expect(await memberUsage(t.db, owner.teamId, AT)).toEqual([
      { user_id: owner.userId, email: owner.email, used_this_month: 40 },
    ]);
  });
});
