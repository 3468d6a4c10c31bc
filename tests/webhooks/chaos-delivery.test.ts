import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { creditLedger, subscriptionAddons, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { POST as addonPost } from '@/app/api/packages/user/addons/route';
import { DELETE as addonDelete } from '@/app/api/packages/user/addons/[package_id]/route';
import { POST as subscriptionPost } from '@/app/api/packages/user/subscription/route';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { invalidateCatalogCache } from '@/lib/catalog';
import { getCredits } from '@/lib/credits';
import { setAppContext } from '@/lib/server/context';
import { apiRequest, createUserWithToken, routeParams, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from '../credits/helpers';

/**
 * One scenario of ~50 purchases of every package type (plans, packs, add-ons), plan changes,
 * refunds and cancellations over 12 teams, run twice on fresh databases and local Stripes: once
 * with every event delivered in order right after the step that caused it, once with deliveries
 * held back across whole phases (delayed), shuffled and each delivered twice. The final state of
 * every team (purchases, grants, ledger, subscription, add-ons, balance) must be the same.
 */
const START = '2026-03-02T10:00:00Z';
const TEAMS = 12;
const PLANS = ['professional_monthly', 'professional_annual', 'business_monthly', 'business_annual'] as const;
const PACKS = ['credits_50', 'credits_100', 'credits_250'] as const;
const ADDONS = ['addon_storage', 'addon_priority_support', 'addon_integrations'] as const;

type Delivery = 'ordered' | 'chaos';

async function runScenario(delivery: Delivery) {
  const h = await startBillingHarness({ startAt: START });
  invalidateCatalogCache();
  try {
    const users: TestUser[] = [];
    for (let i = 0; i < TEAMS; i++) users.push(await createUserWithToken(h.t.db, { email: `chaos-${i}@example.com` }));
    const packSessions: { team: number; sessionId: string }[] = [];
    let purchases = 0;
    // Ordered: every step's events are delivered, in order, before the next step. Chaos: only at
    // the end of a phase (or before a step that needs them), shuffled and twice over.
    const settleStep = () => (delivery === 'ordered' ? h.deliver({ order: 'fifo' }) : Promise.resolve());
    const settlePhase = () =>
      delivery === 'ordered' ? h.deliver({ order: 'fifo' }) : h.deliver({ order: 'shuffled', duplicate: true });

    const pay = async (team: number, packageId: string) => {
      // The currency is named: without it checkout picks the team's recorded billing currency, which
      // a held-back plan webhook has not set yet, so the delayed run would buy different things.
      const res = await h.checkout(users[team]!, { package_id: packageId, currency: 'usd' });
      expect(res.status, `${packageId}: ${await res.clone().text()}`).toBe(201);
      const { session_id } = (await res.json()) as { session_id: string };
      const paid = await h.emulator(`checkout/sessions/${session_id}/complete`, { card: '4242424242424242' });
      expect(paid.ok).toBe(true);
      purchases++;
      if (packageId.startsWith('credits_')) packSessions.push({ team, sessionId: session_id });
      await settleStep();
    };
    const addon = async (team: number, packageId: string) => {
      const res = await addonPost(
        apiRequest('/api/packages/user/addons', { token: users[team]!.token, body: { package_id: packageId } }),
      );
      expect(res.status, `${packageId}: ${await res.clone().text()}`).toBe(201);
      purchases++;
      await settleStep();
    };
    const subscription = async (team: number, body: Record<string, unknown>) => {
      const res = await subscriptionPost(
        apiRequest('/api/packages/user/subscription', { token: users[team]!.token, body }),
      );
      expect(res.status, `${JSON.stringify(body)}: ${await res.clone().text()}`).toBe(200);
      await settleStep();
    };
    const refund = async (index: number, share: 'full' | 'half') => {
      const { sessionId } = packSessions[index]!;
      const session = await h.app.stripe.checkout.sessions.retrieve(sessionId);
      await h.app.stripe.refunds.create({
        payment_intent: session.payment_intent as string,
        ...(share === 'half' ? { amount: Math.floor(session.amount_total! / 2) } : {}),
      });
      await settleStep();
    };

    // Phase 1: six teams subscribe, every team buys packs.
    for (let i = 0; i < 6; i++) await pay(i, PLANS[i % PLANS.length]!);
    for (let i = 0; i < TEAMS; i++) await pay(i, PACKS[i % PACKS.length]!);
    for (let i = 0; i < TEAMS; i += 2) await pay(i, PACKS[(i + 1) % PACKS.length]!);
    await settlePhase();

    // Phase 2: add-ons on the plans (they need the plan mirrored), plan changes, more packs.
    for (let i = 0; i < 6; i++) await addon(i, ADDONS[i % ADDONS.length]!);
    await addon(0, ADDONS[1]!);
    await addon(3, ADDONS[1]!);
    for (let i = 1; i < TEAMS; i += 2) await pay(i, PACKS[i % PACKS.length]!);
    await settlePhase();
    await subscription(0, { action: 'change_plan', package_id: 'business_monthly' });
    await subscription(2, { action: 'change_plan', package_id: 'professional_monthly' });
    await settlePhase();

    // Phase 3: refunds (full and partial, one refunded twice), cancellations, an add-on removed.
    await refund(0, 'full');
    await refund(3, 'half');
    await refund(5, 'half');
    await refund(5, 'half');
    await refund(9, 'full');
    await subscription(4, { action: 'cancel' }); // at period end
    const [mirror5] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, users[5]!.teamId));
    await h.app.stripe.subscriptions.cancel(mirror5!.stripeSubscriptionId); // at once
    const removed = await addonDelete(
      apiRequest(`/api/packages/user/addons/${ADDONS[0]}`, { token: users[3]!.token, method: 'DELETE' }),
      routeParams({ package_id: ADDONS[0] }),
    );
    expect(removed.status).toBe(200);
    await settleStep();
    for (let i = 0; i < TEAMS; i++) await pay(i, PACKS[(i + 2) % PACKS.length]!);
    await settlePhase();
    // Late duplicates of everything pending (none, if the phase settled) change nothing.
    await h.deliver({ order: 'shuffled', duplicate: true });

    const teams = [];
    for (const user of users) {
      await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
      teams.push(await snapshot(h, user.teamId));
    }
    return { purchases, teams };
  } finally {
    await h.close();
    setAppContext(undefined);
  }
}

/** A team's billing state with its ids left out (they differ between the two runs). */
async function snapshot(h: BillingHarness, teamId: string) {
  const sorted = <T>(rows: T[]) => rows.map((r) => JSON.stringify(r)).sort();
  const plan = await getTeamPlanState(h.t.db, teamId);
  return {
    plan: { packageId: plan.packageId, status: plan.status, addons: [...plan.addons].sort() },
    purchases: sorted(
      (await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId))).map((p) => [
        p.packageId,
        p.amount,
        p.currency,
        p.status,
        p.amountRefunded,
      ]),
    ),
    grants: sorted(
      (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId))).map((g) => [
        g.source,
        g.packageId,
        g.creditType,
        g.amount,
        g.remaining,
        g.voidedAt !== null,
        g.expiresAt?.getTime() ?? null,
      ]),
    ),
    // Totals per entry type, not entries: handlers apply Stripe's current state, so two partial
    // refunds whose events arrive together are taken back in one entry instead of two.
    ledger: Object.fromEntries(
      Object.entries(
        (await h.t.db.select().from(creditLedger).where(eq(creditLedger.teamId, teamId))).reduce<
          Record<string, number>
        >(
          (totals, l) => ({
            ...totals,
            [`${l.entryType}:${l.creditType}`]: (totals[`${l.entryType}:${l.creditType}`] ?? 0) + l.delta,
          }),
          {},
        ),
      ).sort(),
    ),
    subscriptions: sorted(
      (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId))).map((s) => [
        s.packageId,
        s.status,
        s.cancelAtPeriodEnd,
      ]),
    ),
    addons: sorted(
      (await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, teamId))).map((a) => [
        a.packageId,
        a.status,
        a.quantity,
      ]),
    ),
    balance: (await getCredits({ ...h.app }, teamId)).ai_stories.remaining_credits,
  };
}

describe('chaos delivery', () => {
  it('~50 purchases, plan changes, refunds and cancellations end in the same state whether webhooks arrive in order or delayed, shuffled and duplicated', async () => {
    const started = performance.now();
    const ordered = await runScenario('ordered');
    const chaos = await runScenario('chaos');
    expect(ordered.purchases).toBeGreaterThanOrEqual(50);
    for (let i = 0; i < TEAMS; i++) expect(chaos.teams[i], `team ${i}`).toEqual(ordered.teams[i]);
    // The scenario did what it says: refunds, a plan change and cancellations are in the state.
    const statuses = ordered.teams.flatMap((t) => t.purchases.map((p) => (JSON.parse(p) as unknown[])[3]));
    expect(statuses).toContain('refunded');
    expect(statuses).toContain('partially_refunded');
    expect(ordered.teams[0]!.plan.packageId).toBe('business_monthly');
    expect(ordered.teams[5]!.plan.packageId).toBe('starter');
    console.info(
      `chaos delivery: ${ordered.purchases} purchases × 2 runs in ${Math.round(performance.now() - started)} ms`,
    );
  }, 120_000);
});
