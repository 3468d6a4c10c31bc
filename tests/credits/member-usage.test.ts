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

// The view reads the database's own now(), so these tests use the real time.
const deps = () => ({ db: t.db, clock: new ManualClock(new Date()) });

describe('user_credit_summary: usage per member', () => {
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

    const usage = await memberUsage(t.db, owner.teamId);
    expect(Object.fromEntries(usage.map((u) => [u.user_id, u.used_this_month]))).toEqual({
      [owner.userId]: 3,
      [member.userId]: 2 + 4,
    });
  });

  it('counts usage on an unlimited plan, where nothing is deducted', async () => {
    const owner = await createUserWithToken(t.db);
    const now = new Date();
    await putTeamOnPlan(
      t.db,
      owner.teamId,
      'business_monthly',
      new Date(now.getTime() - 86_400_000),
      new Date(now.getTime() + 20 * 86_400_000),
    );
    await deductCredit(deps(), owner.teamId, 'ai_stories', 40, 'big-story', owner.userId);
    expect(await memberUsage(t.db, owner.teamId)).toEqual([
      { user_id: owner.userId, email: owner.email, used_this_month: 40 },
    ]);
  });
});
