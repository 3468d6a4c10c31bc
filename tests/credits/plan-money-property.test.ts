import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as creditsRoute } from '@/app/api/packages/user/credits/route';
import { POST as deductRoute } from '@/app/api/packages/user/credits/deduct/route';
import { POST as subscriptionRoute } from '@/app/api/packages/user/subscription/route';
import { creditLedger, deferredStripeEvents, subscriptions, teams, userCredits, userPurchases } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { addMonthsClamped, expectAllowanceSpendWithinPlans, expectLedgerMatchesGrants } from './helpers';

// Issue 16's closing property, through the whole app and the local Stripe: plans bought through
// Checkout (and two at once), packs, plan and interval changes, renewals on the test clock,
// cancellations, refunds (some failing), disputes (won or lost) and deductions, every webhook
// delivered shuffled and twice. tests/credits/money-property.test.ts covers packs alone.

// Jan 31: anchored windows cross Feb 28 → Mar 31 → Apr 30 as the clock moves on.
const START = '2027-01-31T10:00:00.000Z';
// One delivery attempt per event and retry in the harness's emulator: at this count Stripe gives up.
const MAX_ATTEMPTS = 4;
let h: BillingHarness;
beforeAll(async () => {
  // Stripe's dunning retries on days 3, 6 and 10, then cancels: past the app's 7-day grace period
  // a past-due team is on Starter's limits for a while before the plan ends.
  h = await startBillingHarness({ startAt: START, billing: { retryDays: [3, 6, 10], afterFinalFailure: 'cancel' } });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const PLANS = ['professional_monthly', 'professional_annual', 'business_monthly', 'business_annual'] as const;
type Paid = (typeof PLANS)[number];
type Plan = Paid | 'starter';
/**
 * The monthly allowance (the test's own table): Starter 25 a team, Professional 200 a member;
 * Business is unlimited, so nothing is taken from allowances.
 */
function allowanceOf({ plan, members }: { plan: Plan; members: number }): number {
  if (plan === 'starter') return 25;
  return plan.startsWith('professional') ? 200 * members : 0;
}
/** Starter's member limit: the team stays within every plan's. */
const MAX_MEMBERS = 3;
const PACKS = { credits_50: 50, credits_100: 100, credits_250: 250 } as const;
type Pack = keyof typeof PACKS;
const CARDS = {
  ok: '4242424242424242',
  // Refunds of its charges start succeeded and fail 60 (emulator) seconds later.
  refundFails: '4000000000005126',
  // Every successful charge is disputed at once (renewals and plan changes on it too).
  disputed: '4000000000000259',
} as const;
// Saved as the customer's card (a card update in the portal), every later charge on it fails.
const FAILING_CARD = '4000000000000341';
type Card = keyof typeof CARDS;
const cardArb = fc.constantFrom<Card>('ok', 'refundFails', 'disputed');
const otherInterval = (p: Paid): Paid =>
  (p.endsWith('_monthly') ? p.replace('_monthly', '_annual') : p.replace('_annual', '_monthly')) as Paid;

type Step =
  | { kind: 'buyPlan'; plan: Paid; card: Card }
  | { kind: 'racePlans'; first: Paid; second: Paid; card: Card }
  | { kind: 'buyPack'; pack: Pack; card: Card }
  | { kind: 'change'; plan: Paid }
  | { kind: 'switchInterval' }
  | { kind: 'cancel' }
  | { kind: 'cancelAtPeriodEnd' }
  | { kind: 'addMember' }
  | { kind: 'cardStartsFailing' }
  | { kind: 'renew'; days: number }
  | { kind: 'refund'; pick: number; share: number }
  | { kind: 'failRefund'; pick: number }
  | { kind: 'closeDispute'; pick: number; outcome: 'won' | 'lost' }
  | { kind: 'spend'; amount: number }
  | { kind: 'drain' };

const planArb = fc.constantFrom(...PLANS);
const buyPlanArb = fc.record({ kind: fc.constant('buyPlan' as const), plan: planArb, card: cardArb });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: buyPlanArb },
  {
    weight: 1,
    arbitrary: fc
      .record({ kind: fc.constant('racePlans' as const), first: planArb, second: planArb, card: cardArb })
      // Two checkouts for one package share Checkout's idempotency window: two plans, two sessions.
      .filter((s) => s.first !== s.second),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('buyPack' as const),
      pack: fc.constantFrom<Pack>('credits_50', 'credits_100', 'credits_250'),
      card: cardArb,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('change' as const), plan: planArb }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'switchInterval' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancel' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cancelAtPeriodEnd' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'addMember' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cardStartsFailing' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('renew' as const), days: fc.integer({ min: 1, max: 40 }) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('refund' as const),
      pick: fc.nat(),
      share: fc.constantFrom(0.25, 0.5, 1),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('failRefund' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('closeDispute' as const),
      pick: fc.nat(),
      outcome: fc.constantFrom<'won' | 'lost'>('won', 'lost'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 120 }) }),
  },
  // An adversarial customer spends everything the credits page offers.
  { weight: 3, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

const LIVE = ['active', 'trialing', 'past_due'];
const isLive = (s: Stripe.Subscription) => LIVE.includes(s.status);
const disputeOpen = (d: Stripe.Dispute) => !['won', 'lost', 'warning_closed'].includes(d.status);

/** The test's model of one team: what it paid for, as the sequence did it (not as the app recorded it). */
interface Model {
  user: TestUser;
  plan: Plan;
  members: number;
  /** The plan timeline: each plan (and the team's size) from `at` until the next entry. */
  held: { at: Date; plan: Plan; members: number }[];
  /** The start of the first paid plan: the allowance windows' anchor. */
  anchor: Date | null;
  packs: { sessionId: string; paymentIntent: string; credits: number }[];
  spends: number;
}

/** Delivers until Stripe has nothing left to send (handlers cause events of their own: a duplicate's refund). */
async function deliverAll(): Promise<void> {
  for (let round = 0; round < 6; round++) {
    await h.deliver({ order: 'shuffled', duplicate: true });
    if (h.emu.pendingEvents().length === 0) return;
  }
  throw new Error('webhook deliveries never settled');
}

async function customerOf(teamId: string): Promise<string | null> {
  const [team] = await h.t.db.select({ id: teams.stripeCustomerId }).from(teams).where(eq(teams.id, teamId));
  return team?.id ?? null;
}

async function chargesOf(teamId: string): Promise<Stripe.Charge[]> {
  const customer = await customerOf(teamId);
  if (!customer) return [];
  const list = await h.app.stripe.charges.list({ customer, limit: 100 });
  return list.data
    .filter((c) => c.status === 'succeeded')
    .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
}

async function liveStripeSubscriptions(teamId: string): Promise<Stripe.Subscription[]> {
  const customer = await customerOf(teamId);
  if (!customer) return [];
  return (await h.app.stripe.subscriptions.list({ customer, limit: 100 })).data.filter(isLive);
}

/** Opens a Checkout session for the team; null when the app refuses it (409: the team already has a plan). */
async function openCheckout(user: TestUser, packageId: string): Promise<string | null> {
  const res = await h.checkout(user, { package_id: packageId });
  if (res.status === 409) return null;
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { session_id: string }).session_id;
}

async function pay(sessionId: string, card: Card): Promise<void> {
  const paid = await h.emulator(`checkout/sessions/${sessionId}/complete`, { card: CARDS[card] });
  expect(paid.status, await paid.clone().text()).toBe(200);
}

function setPlan(m: Model, plan: Plan, at = h.app.clock.now()): void {
  if (plan !== 'starter') m.anchor ??= at;
  m.plan = plan;
  m.held.push({ at, plan, members: m.members });
}

/**
 * Stripe ends a subscription on its own too: at the period end after a cancellation, or after the
 * last failed retry of a renewal. The team is on Starter from then.
 */
async function followStripe(m: Model): Promise<void> {
  if (m.plan === 'starter' || (await liveStripeSubscriptions(m.user.teamId)).length > 0) return;
  const customer = (await customerOf(m.user.teamId))!;
  const ended = (await h.app.stripe.subscriptions.list({ customer, status: 'canceled', limit: 100 })).data;
  const endedAt = Math.max(...ended.map((sub) => sub.ended_at ?? 0)) * 1000;
  setPlan(m, 'starter', new Date(Math.max(endedAt, m.held.at(-1)!.at.getTime())));
}

async function changePlan(m: Model, plan: Paid): Promise<void> {
  const res = await subscriptionRoute(
    apiRequest('/api/packages/user/subscription', {
      token: m.user.token,
      body: { action: 'change_plan', package_id: plan },
    }),
  );
  // 409: no paid plan to change, or already on it; 402: the card on file declined the change.
  if (res.status === 409 || res.status === 402) return;
  expect(res.status, await res.clone().text()).toBe(200);
  setPlan(m, plan);
}

async function step(m: Model, s: Step): Promise<void> {
  const { user } = m;
  switch (s.kind) {
    case 'buyPlan': {
      const sessionId = await openCheckout(user, s.plan);
      if (!sessionId) {
        expect(m.plan, 'checkout refused a plan to a team without one').not.toBe('starter');
        return;
      }
      await pay(sessionId, s.card);
      setPlan(m, s.plan);
      return;
    }
    case 'racePlans': {
      // Two tabs: both sessions open before either is paid, then both are paid.
      const first = await openCheckout(user, s.first);
      const second = await openCheckout(user, s.second);
      if (!first || !second) {
        expect(m.plan).not.toBe('starter');
        return;
      }
      await pay(first, s.card);
      await pay(second, s.card);
      // For a moment both were paid for; the app keeps one (which one depends on delivery order).
      setPlan(m, s.first);
      setPlan(m, s.second);
      await deliverAll();
      const live = await liveStripeSubscriptions(user.teamId);
      expect(live, 'two paid checkouts leave one live subscription').toHaveLength(1);
      const kept = live[0]!.metadata?.package_id as Paid;
      expect([s.first, s.second]).toContain(kept);
      setPlan(m, kept);
      return;
    }
    case 'buyPack': {
      const sessionId = await openCheckout(user, s.pack);
      expect(sessionId).not.toBeNull();
      await pay(sessionId!, s.card);
      const session = await h.app.stripe.checkout.sessions.retrieve(sessionId!);
      m.packs.push({ sessionId: sessionId!, paymentIntent: session.payment_intent as string, credits: PACKS[s.pack] });
      return;
    }
    case 'change':
      return changePlan(m, s.plan);
    case 'switchInterval':
      if (m.plan !== 'starter') await changePlan(m, otherInterval(m.plan));
      return;
    case 'cancel': {
      // Cancelled at once in Stripe (the dashboard, support): the team is back on Starter.
      const live = await liveStripeSubscriptions(user.teamId);
      for (const sub of live) await h.app.stripe.subscriptions.cancel(sub.id);
      if (live.length > 0) setPlan(m, 'starter');
      return;
    }
    case 'cancelAtPeriodEnd': {
      const res = await subscriptionRoute(
        apiRequest('/api/packages/user/subscription', { token: user.token, body: { action: 'cancel' } }),
      );
      if (res.status !== 409) expect(res.status, await res.clone().text()).toBe(200);
      return;
    }
    case 'addMember': {
      if (m.members >= MAX_MEMBERS) return;
      await createUserWithToken(h.t.db, { joinTeam: { teamId: user.teamId, role: 'member' } });
      m.members += 1;
      m.held.push({ at: h.app.clock.now(), plan: m.plan, members: m.members });
      return;
    }
    case 'cardStartsFailing': {
      const customer = await customerOf(user.teamId);
      if (!customer) return;
      const res = await h.emulator(`customers/${customer}/default_card`, { card: FAILING_CARD });
      expect(res.status).toBe(200);
      return;
    }
    case 'renew':
      // A test clock: renewals fall due and are charged, refunds on the 5126 card fail.
      await h.advanceClock(s.days * 86_400);
      return;
    case 'refund': {
      const charges = (await chargesOf(user.teamId)).filter((c) => c.amount_refunded < c.amount);
      if (charges.length === 0) return;
      const charge = charges[s.pick % charges.length]!;
      const amount = Math.max(1, Math.floor((charge.amount - charge.amount_refunded) * s.share));
      await h.app.stripe.refunds.create({ charge: charge.id, amount });
      return;
    }
    case 'failRefund': {
      const refunds: Stripe.Refund[] = [];
      for (const c of await chargesOf(user.teamId))
        refunds.push(
          ...(await h.app.stripe.refunds.list({ charge: c.id })).data.filter((r) => r.status === 'succeeded'),
        );
      if (refunds.length === 0) return;
      const res = await h.emulator(`refunds/${refunds[s.pick % refunds.length]!.id}/fail`);
      expect(res.status).toBe(200);
      return;
    }
    case 'closeDispute': {
      const open: Stripe.Dispute[] = [];
      for (const c of await chargesOf(user.teamId))
        open.push(...(await h.app.stripe.disputes.list({ charge: c.id })).data.filter(disputeOpen));
      if (open.length === 0) return;
      const res = await h.emulator(`disputes/${open[s.pick % open.length]!.id}/close`, { outcome: s.outcome });
      expect(res.status).toBe(200);
      return;
    }
    case 'spend':
      await spend(m, s.amount);
      return;
    case 'drain': {
      const { ai_stories } = await readCredits(m);
      // Unlimited plans record usage without deducting: a large story run stands for "everything".
      let left = ai_stories.unlimited ? 1000 : ai_stories.remaining_credits;
      while (left > 0) {
        const amount = Math.min(left, 1000);
        expect(await spend(m, amount), 'the credits page offered credits the team cannot spend').toBe(200);
        left -= amount;
      }
      if (!ai_stories.unlimited) expect(await spend(m, 1), 'a credit beyond what the page showed').toBe(402);
      return;
    }
  }
}

async function readCredits(m: Model): Promise<{ ai_stories: { remaining_credits: number; unlimited: boolean } }> {
  const res = await creditsRoute(apiRequest('/api/packages/user/credits', { token: m.user.token }));
  expect(res.status).toBe(200);
  return (await res.json()) as { ai_stories: { remaining_credits: number; unlimited: boolean } };
}

/** Deducts through the API; 402 (not enough credits) is a legitimate answer, nothing else but 200 is. */
async function spend(m: Model, amount: number): Promise<number> {
  const res = await deductRoute(
    apiRequest('/api/packages/user/credits/deduct', {
      token: m.user.token,
      body: { credit_type: 'ai_stories', amount, reference_id: `story-${++m.spends}` },
    }),
  );
  if (res.status !== 402) expect(res.status, await res.clone().text()).toBe(200);
  return res.status;
}

/** Credits of a pack the payment still pays for: the unrefunded share, rounded down to whole credits. */
function keptCredits(credits: number, charge: Stripe.Charge): number {
  if (charge.amount_refunded >= charge.amount) return 0;
  return credits - Math.ceil((credits * charge.amount_refunded) / charge.amount);
}

async function assertInvariants(m: Model, deliveriesBefore: number, context: string): Promise<void> {
  const { teamId } = m.user;
  const now = h.app.clock.now();
  // The ledger sums to what the grants hold, once credits are brought up to date (expiry is applied
  // lazily, by the next read or spend), and the credits page shows that balance.
  const shown = (await readCredits(m)).ai_stories;
  expect(await expectLedgerMatchesGrants(h.t.db, teamId, now)).toBe(shown.remaining_credits);

  // No team has two live subscriptions, in Stripe or in the app; the app's plan is the one paid for.
  expect((await liveStripeSubscriptions(teamId)).length, context).toBeLessThanOrEqual(1);
  const liveRows = await h.t.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.teamId, teamId), inArray(subscriptions.status, LIVE)));
  expect(liveRows.length, context).toBeLessThanOrEqual(1);
  // (After a past-due plan's grace period the app applies Starter's limits; the plan is still the one subscribed.)
  expect((await getTeamPlanState(h.t.db, teamId, now)).subscribedPackageId, context).toBe(m.plan);

  // No webhook was given up on, and none is parked: every refund and dispute reached its purchase.
  const deliveries = (await (await fetch(`${h.emu.url}/_emulator/webhooks/deliveries`)).json()) as {
    data: { attempt: number; status: number | null; event_type: string }[];
  };
  const gaveUp = deliveries.data
    .slice(deliveriesBefore)
    .filter((d) => d.attempt >= MAX_ATTEMPTS && !(d.status !== null && d.status < 300));
  expect(gaveUp, context).toEqual([]);
  expect(await h.t.db.select().from(deferredStripeEvents).where(isNotNull(deferredStripeEvents.parkedAt))).toEqual([]);

  // Every payment Stripe took is a purchase showing Stripe's refunded total and dispute.
  const purchases = await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
  const charges = await chargesOf(teamId);
  for (const charge of charges) {
    const purchase = purchases.find((p) => p.stripePaymentIntentId === charge.payment_intent);
    expect(purchase, `a purchase for ${charge.id} ${context}`).toBeDefined();
    expect(purchase!.amountRefunded, `refunded total of ${charge.id} ${context}`).toBe(charge.amount_refunded);
    const disputes = (await h.app.stripe.disputes.list({ charge: charge.id })).data;
    if (disputes.length > 0) expect(purchase!.disputeStatus, context).not.toBeNull();
  }

  // Pack credits spendable never exceed the unrefunded, undisputed share of what was paid, less what was spent.
  for (const pack of m.packs) {
    const charge = charges.find((c) => c.payment_intent === pack.paymentIntent)!;
    const [grant] = await h.t.db
      .select()
      .from(userCredits)
      .where(and(eq(userCredits.teamId, teamId), eq(userCredits.businessKey, `pack:${pack.sessionId}`)));
    expect(grant, `the pack of ${pack.sessionId} was granted ${context}`).toBeDefined();
    expect(grant!.amount).toBeLessThanOrEqual(pack.credits);
    const used = await h.t.db
      .select({ delta: creditLedger.delta })
      .from(creditLedger)
      .where(
        and(eq(creditLedger.grantId, grant!.id), inArray(creditLedger.entryType, ['usage', 'reserve', 'release'])),
      );
    const spent = -used.reduce((sum, e) => sum + e.delta, 0);
    const disputes = (await h.app.stripe.disputes.list({ charge: charge.id })).data;
    const frozen = disputes.some((d) => disputeOpen(d) || d.status === 'lost');
    const spendable = grant!.voidedAt || (grant!.expiresAt && grant!.expiresAt <= now) ? 0 : grant!.remaining;
    const allowed = frozen ? 0 : Math.max(0, keptCredits(pack.credits, charge) - spent);
    expect(spendable, `spendable credits of the pack ${pack.sessionId} ${context}`).toBeLessThanOrEqual(allowed);
    expect(spent + grant!.remaining + grant!.disputeHeld).toBeLessThanOrEqual(pack.credits);
  }

  // Allowance spent in any window never exceeds the largest allowance of a plan held in it.
  await expectAllowanceSpendWithinPlans(h.t.db, teamId, m.anchor, m.held, allowanceOf, context);
}

async function run(steps: Step[]): Promise<Model> {
  const user = await createUserWithToken(h.t.db);
  const m: Model = {
    user,
    plan: 'starter',
    members: 1,
    held: [{ at: h.app.clock.now(), plan: 'starter', members: 1 }],
    anchor: null,
    packs: [],
    spends: 0,
  };
  try {
    for (const [i, s] of steps.entries()) {
      const deliveriesBefore = (
        (await (await fetch(`${h.emu.url}/_emulator/webhooks/deliveries`)).json()) as { data: unknown[] }
      ).data.length;
      const context = `after step ${i} ${JSON.stringify(s)}`;
      try {
        await step(m, s);
        await deliverAll();
        await followStripe(m);
        await assertInvariants(m, deliveriesBefore, context);
      } catch (err) {
        // Name the step that broke it: the counterexample alone only gives the whole sequence.
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(message.includes(context) ? message : `${context}: ${message}`, { cause: err });
      }
    }
  } finally {
    // Later runs move the shared clock on: this team's subscription must not renew in them.
    for (const sub of await liveStripeSubscriptions(user.teamId)) await h.app.stripe.subscriptions.cancel(sub.id);
    await deliverAll();
  }
  return m;
}

describe('money property: plans, packs, changes, renewals, refunds, disputes and spending through the local Stripe', () => {
  it('after every step: the ledger matches the grants, one live plan, packs within what was kept, allowances within the plans held', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Half the sequences start on a paid plan, so plan changes have something to change.
        fc
          .tuple(fc.option(buyPlanArb, { freq: 2 }), fc.array(stepArb, { minLength: 1, maxLength: 11 }))
          .map(([first, rest]): Step[] => (first ? [first, ...rest] : rest)),
        async (steps) => {
          await run(steps);
        },
      ),
      {
        numRuns: 25,
        examples: [
          // The card on file starts failing: a declined change, a renewal past due (past the grace period too),
          // Stripe cancels after its last retry, the team buys again.
          [
            [
              { kind: 'buyPlan', plan: 'professional_monthly', card: 'ok' },
              { kind: 'addMember' },
              { kind: 'drain' },
              { kind: 'cardStartsFailing' },
              { kind: 'change', plan: 'business_monthly' },
              { kind: 'renew', days: 29 },
              { kind: 'drain' },
              { kind: 'renew', days: 9 },
              { kind: 'drain' },
              { kind: 'renew', days: 2 },
              { kind: 'buyPlan', plan: 'professional_annual', card: 'ok' },
              { kind: 'drain' },
            ],
          ],
          // Cancelled at the period end, bought again in the next window.
          [
            [
              { kind: 'buyPlan', plan: 'business_annual', card: 'refundFails' },
              { kind: 'cancelAtPeriodEnd' },
              { kind: 'renew', days: 40 },
              { kind: 'renew', days: 330 },
              { kind: 'drain' },
              { kind: 'buyPlan', plan: 'professional_monthly', card: 'ok' },
              { kind: 'drain' },
            ],
          ],
          // Spend, switch the interval twice, spend again: one allowance, not three.
          [
            [
              { kind: 'buyPlan', plan: 'professional_monthly', card: 'ok' },
              { kind: 'spend', amount: 120 },
              { kind: 'switchInterval' },
              { kind: 'spend', amount: 120 },
              { kind: 'switchInterval' },
              { kind: 'spend', amount: 120 },
              { kind: 'renew', days: 29 },
              { kind: 'spend', amount: 120 },
            ],
          ],
          // Two checkouts paid at once, a disputed pack, a refund that fails.
          [
            [
              { kind: 'spend', amount: 20 },
              { kind: 'racePlans', first: 'professional_monthly', second: 'business_annual', card: 'ok' },
              { kind: 'buyPack', pack: 'credits_100', card: 'disputed' },
              { kind: 'buyPack', pack: 'credits_50', card: 'refundFails' },
              { kind: 'spend', amount: 100 },
              { kind: 'refund', pick: 1, share: 0.5 },
              { kind: 'renew', days: 1 },
              { kind: 'closeDispute', pick: 0, outcome: 'won' },
              { kind: 'spend', amount: 120 },
            ],
          ],
          // Professional → Business → cancel → Professional again in one window.
          [
            [
              { kind: 'buyPlan', plan: 'professional_annual', card: 'disputed' },
              { kind: 'spend', amount: 100 },
              { kind: 'change', plan: 'business_monthly' },
              { kind: 'cancel' },
              { kind: 'buyPlan', plan: 'professional_monthly', card: 'ok' },
              { kind: 'spend', amount: 120 },
              { kind: 'refund', pick: 0, share: 1 },
              { kind: 'closeDispute', pick: 0, outcome: 'lost' },
            ],
          ],
        ],
      },
    );
  }, 240_000);

  // CI's seed -476465942: the clock stands still, so a spend at the instant an allowance window opens
  // and the cancellation after it share that instant. The spend was made on the plan still held.
  it('a spend at the instant a window opens, then a cancellation at that same instant', async () => {
    const bought = h.app.clock.now();
    const days = Math.round((addMonthsClamped(bought, 1).getTime() - bought.getTime()) / 86_400_000);
    const m = await run([
      { kind: 'buyPlan', plan: 'professional_monthly', card: 'ok' },
      { kind: 'renew', days },
      { kind: 'spend', amount: 66 },
      { kind: 'cancel' },
    ]);
    // Starter's 25 in a window where 66 were already spent leaves nothing to spend.
    expect((await readCredits(m)).ai_stories.remaining_credits).toBe(0);
  }, 60_000);
});
