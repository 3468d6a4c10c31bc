import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, inspectTeamCredits } from '@/lib/credits';
import { createUserWithToken } from '../helpers/app';
import { catalogDatabaseForFile, expectLedgerMatchesGrants, putTeamOnPlan, setSubscriptionStatus } from './helpers';

/**
 * The unlocked read (`inspectTeamCredits`) decides from one statement whether a team's credits are
 * up to date; it must read the plan as `prepareTeamCredits` does, past-due grace included.
 */
const t = catalogDatabaseForFile();

const DAY = 86_400_000;

async function professionalTeam(clock: ManualClock) {
  const user = await createUserWithToken(t.db);
  await putTeamOnPlan(
    t.db,
    user.teamId,
    'professional_monthly',
    new Date('2026-11-01T00:00:00Z'),
    new Date('2026-12-01T00:00:00Z'),
  );
  const deps = { db: t.db, clock };
  await deductCredit(deps, user.teamId, 'ai_stories', 40, 'before-past-due');
  return { user, deps };
}

const pastDueFor = (teamId: string, since: Date) => setSubscriptionStatus(t.db, teamId, 'past_due', since);

describe('the unlocked credit read', () => {
  it("grants a team without a paid plan Starter's allowance, named as Starter's, and then reads it as up to date", async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const user = await createUserWithToken(t.db);
    expect(await inspectTeamCredits(t.db, user.teamId, 'ai_stories', clock.now(), 7)).toMatchObject({
      upToDate: false,
    });
    expect((await getCredits({ db: t.db, clock }, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 25,
      allowance: { amount: 25, period_start: '2026-11-01T00:00:00.000Z' },
      grants: [{ source: 'plan_allowance', package_id: 'starter', amount: 25 }],
    });
    expect(await inspectTeamCredits(t.db, user.teamId, 'ai_stories', clock.now(), 7)).toMatchObject({
      upToDate: true,
      held: 0,
    });
  });

  it('keeps a past-due plan within the grace period: the allowance stands, nothing is due', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { user, deps } = await professionalTeam(clock);
    await pastDueFor(user.teamId, new Date(clock.now().getTime() - 6 * DAY));
    const state = await inspectTeamCredits(t.db, user.teamId, 'ai_stories', clock.now(), 7);
    expect(state).toMatchObject({ upToDate: true, unlimited: false, held: 0 });
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({
      remaining_credits: 160,
      allowance: { amount: 200, used: 40, remaining: 160 },
    });
  });

  it('reads a plan past due beyond the grace period as Starter: the paid allowance is voided, Starter tops up less what was spent', async () => {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const { user, deps } = await professionalTeam(clock);
    await pastDueFor(user.teamId, new Date(clock.now().getTime() - 8 * DAY));
    expect(await inspectTeamCredits(t.db, user.teamId, 'ai_stories', clock.now(), 7)).toMatchObject({
      upToDate: false,
    });
    // Starter's 25 for the month, of which 40 were already taken from the voided Professional grant: nothing more.
    expect((await getCredits(deps, user.teamId)).ai_stories).toMatchObject({ remaining_credits: 0, grants: [] });
    const [grant] = await t.db.select().from(userCredits).where(eq(userCredits.teamId, user.teamId));
    expect(grant).toMatchObject({ source: 'plan_allowance', remaining: 0, packageId: 'professional_monthly' });
    expect(grant!.voidedAt).not.toBeNull();
    expect(await expectLedgerMatchesGrants(t.db, user.teamId, clock.now())).toBe(0);
    // Once materialised the read is up to date again.
    expect(await inspectTeamCredits(t.db, user.teamId, 'ai_stories', clock.now(), 7)).toMatchObject({
      upToDate: true,
    });
  });
});
