import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, memberUsage, release, reserve } from '@/lib/credits';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { putTeamOnPlan } from './helpers';

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
