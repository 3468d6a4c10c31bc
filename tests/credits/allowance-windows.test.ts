import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { creditLedger, subscriptions, teams } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { deductCredit, getCredits } from '@/lib/credits';
import { getTeamEntitlements } from '@/lib/entitlements';
import { InsufficientCredits } from '@/lib/errors';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from './helpers';

// The local Stripe's clock starts on Jan 31 and only moves when a test advances it (a test clock).
const START = '2027-01-31T10:00:00.000Z';
let h: BillingHarness;
beforeAll(async () => {
  // Stripe's dunning is set to leave an unpaid plan past due after the last retry, so the app's own
  // grace period (not Stripe cancelling) decides the plan in the past_due test.
  h = await startBillingHarness({ startAt: START, billing: { afterFinalFailure: 'past_due' } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const change = async (u: TestUser, packageId: string) => {
  const res = await changeSubscription(
    apiRequest('/api/packages/user/subscription', {
      token: u.token,
      body: { action: 'change_plan', package_id: packageId },
    }),
  );
  expect(res.status, await res.clone().text()).toBe(200);
  await h.deliver({ order: 'shuffled', duplicate: true });
};
const credits = async (u: TestUser) => (await getCredits(h.app, u.teamId)).ai_stories;
const secondsUntil = (iso: string) => Math.round((new Date(iso).getTime() - h.app.clock.now().getTime()) / 1000);
const teamCustomer = async (u: TestUser) =>
  (await h.t.db.select({ id: teams.stripeCustomerId }).from(teams).where(eq(teams.id, u.teamId)))[0]!.id!;
const subscriptionOf = async (u: TestUser) =>
  (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, u.teamId)))[0]!;

// One team per test, and the clock only moves forward: each test starts where the last left it.
describe('allowance windows (local Stripe, test clocks)', () => {
  it('are monthly from the first paid subscription: Jan 31 → Feb 28 → Mar 31 → Apr 30 → May 31, never chained', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.syncClock();
    expect((await credits(user)).allowance).toMatchObject({
      period_start: START,
      resets_at: '2027-02-28T10:00:00.000Z',
      amount: 200,
    });
    await deductCredit(h.app, user.teamId, 'ai_stories', 200, 'jan');
    const windows = [
      '2027-02-28T10:00:00.000Z',
      '2027-03-31T10:00:00.000Z',
      '2027-04-30T10:00:00.000Z',
      '2027-05-31T10:00:00.000Z',
      '2027-06-30T10:00:00.000Z',
    ];
    for (const [i, start] of windows.slice(0, -1).entries()) {
      // A day before the window opens the last one is spent: no extra slice, whatever Stripe's period says.
      await h.advanceClock(secondsUntil(start) - 86_400);
      await h.deliver();
      expect((await credits(user)).remaining_credits, `a day before ${start}`).toBe(0);
      await h.advanceClock(86_400);
      await h.deliver();
      const now = await credits(user);
      expect(now.allowance, start).toMatchObject({ period_start: start, resets_at: windows[i + 1], amount: 200 });
      expect(now.remaining_credits).toBe(200);
      await deductCredit(h.app, user.teamId, 'ai_stories', 200, `w-${start}`);
    }
    expect((await getTeamPlanState(h.t.db, user.teamId)).status).toBe('active');
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('four monthly ↔ annual switches in one window give one allowance, not 1,000 credits', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.syncClock();
    const windowStart = (await credits(user)).allowance!.period_start;
    await deductCredit(h.app, user.teamId, 'ai_stories', 150, 'before-switches');
    for (const [i, target] of (
      ['professional_annual', 'professional_monthly', 'professional_annual', 'professional_monthly'] as const
    ).entries()) {
      await h.advanceClock(3600);
      await change(user, target);
      const now = await credits(user);
      expect(now.remaining_credits, `after switch ${i + 1} to ${target}`).toBe(50);
      expect(now.allowance).toMatchObject({ period_start: windowStart, amount: 200, used: 150, remaining: 50 });
    }
    // The usage warning reckons with the window's whole allowance, not just the grant left after the switches.
    await deductCredit(h.app, user.teamId, 'ai_stories', 15, 'most');
    expect((await credits(user)).warnings).toContain("Only 35 of this month's 200 AI stories are left");
    await deductCredit(h.app, user.teamId, 'ai_stories', 35, 'rest');
    await expect(deductCredit(h.app, user.teamId, 'ai_stories', 1, 'one-more')).rejects.toBeInstanceOf(
      InsufficientCredits,
    );
    const voided = await h.t.db
      .select()
      .from(creditLedger)
      .where(and(eq(creditLedger.teamId, user.teamId), eq(creditLedger.entryType, 'plan_change')));
    expect(voided.length).toBeGreaterThanOrEqual(4);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('a Starter team that upgrades does not keep its Starter credits on top; what it spent counts', async () => {
    const user = await createUserWithToken(h.t.db);
    expect((await credits(user)).remaining_credits).toBe(25);
    await deductCredit(h.app, user.teamId, 'ai_stories', 10, 'starter-story');
    await h.buy(user, 'professional_monthly');
    await h.syncClock();
    const now = await credits(user);
    expect(now.remaining_credits).toBe(190);
    expect(now.allowance).toMatchObject({ amount: 200, used: 10, remaining: 190 });
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('Professional → Business → Professional in one window: the unspent rest is voided, spending counts', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.syncClock();
    await deductCredit(h.app, user.teamId, 'ai_stories', 120, 'pro-stories');
    await change(user, 'business_monthly');
    expect(await credits(user)).toMatchObject({ unlimited: true, remaining_credits: 0 });
    await deductCredit(h.app, user.teamId, 'ai_stories', 500, 'business-stories'); // unlimited: nothing taken
    await change(user, 'professional_monthly');
    expect((await credits(user)).remaining_credits).toBe(80);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });

  it('past_due: features continue for the grace period with no new allowance; after it, Starter limits until paid', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    await h.syncClock();
    await deductCredit(h.app, user.teamId, 'ai_stories', 200, 'all-of-it');
    const sub = await subscriptionOf(user);
    const customer = await teamCustomer(user);
    // A card that declines, so Stripe's retries on days 3, 5 and 7 fail too.
    expect((await h.emulator(`customers/${customer}/default_card`, { card: '4000000000000002' })).ok).toBe(true);
    const renewal = await h.emulator(`subscriptions/${sub.stripeSubscriptionId}/advance`, { outcome: 'failed' });
    expect(renewal.ok).toBe(true);
    await h.syncClock();
    await h.deliver();
    expect((await getTeamPlanState(h.t.db, user.teamId)).status).toBe('past_due');
    // In grace: still Professional, but the new window brings nothing while the invoice is unpaid.
    expect((await getTeamEntitlements(h.app, user.teamId)).plan).toBe('professional_monthly');
    expect((await credits(user)).remaining_credits).toBe(0);
    await h.advanceClock(6 * 86_400);
    expect((await getTeamEntitlements(h.app, user.teamId)).plan).toBe('professional_monthly');
    expect((await credits(user)).remaining_credits).toBe(0);
    // After 7 days: Starter limits (and Starter's allowance) until paid.
    await h.advanceClock(2 * 86_400);
    expect((await getTeamEntitlements(h.app, user.teamId)).plan).toBe('starter');
    expect((await credits(user)).remaining_credits).toBe(25);
    await deductCredit(h.app, user.teamId, 'ai_stories', 5, 'on-starter');
    expect((await h.emulator(`customers/${customer}/default_card`, { card: '4242424242424242' })).ok).toBe(true);
    const open = await h.app.stripe.invoices.list({ subscription: sub.stripeSubscriptionId, status: 'open' });
    expect(open.data).toHaveLength(1);
    await h.app.stripe.invoices.pay(open.data[0]!.id!);
    await h.deliver();
    expect((await getTeamPlanState(h.t.db, user.teamId)).status).toBe('active');
    expect((await getTeamEntitlements(h.app, user.teamId)).plan).toBe('professional_monthly');
    // Paid again: the plan's allowance for this window, less the 5 spent on Starter in it.
    expect((await credits(user)).remaining_credits).toBe(195);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });
});
