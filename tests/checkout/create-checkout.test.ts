import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkoutSessions, subscriptions, teams } from '@/db/schema';
import { createUserWithToken, TEST_APP_URL, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

// createCheckout's rules that the route tests reach only in passing: what it sends Stripe, what
// it records, the one-plan and one-trial checks, and how it chains past finished sessions.
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

type ErrorBody = { error: { code: string; message: string } };
const open = async (user: TestUser, body: Record<string, unknown>) => {
  const res = await h.checkout(user, body);
  return { status: res.status, body: (await res.json()) as { session_id: string; url: string } & ErrorBody };
};
const recorded = async (sessionId: string) =>
  (await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.stripeSessionId, sessionId)))[0]!;

describe('createCheckout', () => {
  it('sends Stripe the pack or plan with the team, user and package on the session and on what it creates', async () => {
    const create = vi.spyOn(h.app.stripe.checkout.sessions, 'create');
    const user = await createUserWithToken(h.t.db);
    expect((await open(user, { package_id: 'credits_100' })).status).toBe(201);
    expect((await open(user, { package_id: 'professional_monthly', trial_days: 7 })).status).toBe(201);
    expect((await open(user, { package_id: 'business_monthly' })).status).toBe(201);
    const metadata = { team_id: user.teamId, user_id: user.userId, package_id: 'credits_100' };
    const common = {
      customer: expect.stringMatching(/^cus_/),
      client_reference_id: user.teamId,
      success_url: `${TEST_APP_URL}/ok?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${TEST_APP_URL}/cancel`,
    };
    const [pack, trial, plan] = create.mock.calls.map((c) => c[0]);
    expect(pack).toEqual({
      ...common,
      mode: 'payment',
      currency: 'gbp',
      line_items: [{ price: expect.stringMatching(/^price_/), quantity: 1 }],
      metadata,
      payment_intent_data: { metadata },
    });
    const trialMeta = { ...metadata, package_id: 'professional_monthly' };
    expect(trial).toEqual({
      ...common,
      mode: 'subscription',
      currency: 'usd',
      line_items: [{ price: expect.stringMatching(/^price_/), quantity: 1 }],
      metadata: trialMeta,
      subscription_data: { metadata: trialMeta, billing_mode: { type: 'flexible' }, trial_period_days: 7 },
    });
    expect(plan!.subscription_data).toEqual({
      metadata: { ...metadata, package_id: 'business_monthly' },
      billing_mode: { type: 'flexible' },
    });
  });

  it('records the session with its trial, amount and Stripe expiry, and logs it', async () => {
    const info = vi.spyOn(h.app.logger, 'info');
    const user = await createUserWithToken(h.t.db);
    const { body } = await open(user, { package_id: 'professional_monthly', trial_days: 14 });
    const session = await h.app.stripe.checkout.sessions.retrieve(body.session_id);
    expect(await recorded(body.session_id)).toMatchObject({
      teamId: user.teamId,
      userId: user.userId,
      packageId: 'professional_monthly',
      mode: 'subscription',
      currency: 'usd',
      amountTotal: session.amount_total,
      status: 'open',
      paymentStatus: session.payment_status,
      trialDays: 14,
      url: session.url,
      createdAt: h.app.clock.now(),
      expiresAt: new Date(session.expires_at * 1000),
    });
    expect(info).toHaveBeenCalledWith(
      { teamId: user.teamId, packageId: 'professional_monthly', sessionId: body.session_id, mode: 'subscription' },
      'Created checkout session',
    );
    const pack = await open(user, { package_id: 'credits_50' });
    expect((await recorded(pack.body.session_id)).trialDays).toBeNull();
  });

  it('sells a pack to a team with a live plan, but not a second plan', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    expect((await open(user, { package_id: 'credits_50' })).status).toBe(201);
    const second = await open(user, { package_id: 'business_monthly' });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      code: 'plan_active',
      message:
        'Your team already has the professional_monthly plan; change plans with POST /api/packages/user/subscription',
    });
  });

  it('gives a team one trial: refused after the team, a subscription or a completed checkout had one', async () => {
    const trialUsed = { code: 'trial_used', message: 'Your team has already had its free trial' };
    const refused = async (user: TestUser) => {
      const res = await open(user, { package_id: 'professional_monthly', trial_days: 14 });
      expect([res.status, res.body.error]).toEqual([409, trialUsed]);
      // A plan without a trial is still for sale.
      expect((await open(user, { package_id: 'professional_monthly' })).status).toBe(201);
    };
    const marked = await createUserWithToken(h.t.db);
    await h.t.db.update(teams).set({ trialUsedAt: new Date() }).where(eq(teams.id, marked.teamId));
    await refused(marked);

    const subscribed = await createUserWithToken(h.t.db);
    await h.t.db.insert(subscriptions).values({
      teamId: subscribed.teamId,
      stripeSubscriptionId: `sub_trialed_${subscribed.teamId}`,
      stripeCustomerId: 'cus_x',
      packageId: 'professional_monthly',
      status: 'canceled',
      currency: 'gbp',
      trialEnd: new Date(),
    });
    await refused(subscribed);

    const checkedOut = await createUserWithToken(h.t.db);
    const first = await open(checkedOut, { package_id: 'business_monthly', trial_days: 14 });
    // An open trial checkout is not a trial yet: the customer may open another.
    expect((await open(checkedOut, { package_id: 'professional_monthly', trial_days: 7 })).status).toBe(201);
    await h.t.db
      .update(checkoutSessions)
      .set({ status: 'complete' })
      .where(eq(checkoutSessions.stripeSessionId, first.body.session_id));
    await refused(checkedOut);

    const fresh = await createUserWithToken(h.t.db);
    expect((await open(fresh, { package_id: 'professional_monthly', trial_days: 14 })).status).toBe(201);
  });

  it('returns a session it has not recorded as Stripe created it, without asking again', async () => {
    const unrecorded = {
      id: 'cs_test_unrecorded_one',
      url: 'https://checkout.example/unrecorded',
      status: 'open',
      amount_total: 900,
      payment_status: 'unpaid',
      expires_at: null,
    } as unknown as Stripe.Response<Stripe.Checkout.Session>;
    vi.spyOn(h.app.stripe.checkout.sessions, 'create').mockResolvedValue(unrecorded);
    const retrieve = vi.spyOn(h.app.stripe.checkout.sessions, 'retrieve');
    const user = await createUserWithToken(h.t.db);
    const { body } = await open(user, { package_id: 'credits_50' });
    expect(body).toEqual({ session_id: 'cs_test_unrecorded_one', url: 'https://checkout.example/unrecorded' });
    expect(retrieve).not.toHaveBeenCalled();
    expect((await recorded('cs_test_unrecorded_one')).expiresAt).toBeNull();
  });

  it('chains past a recorded finished session to a new key, and gives up after five more tries', async () => {
    const user = await createUserWithToken(h.t.db);
    const paid = await h.buy(user, 'credits_50');
    const finished = await h.app.stripe.checkout.sessions.retrieve(paid);
    expect(finished.status).toBe('complete');
    // Stripe replaying the finished session for every key: a stuck idempotency cache.
    const create = vi.spyOn(h.app.stripe.checkout.sessions, 'create').mockResolvedValue(finished);
    const { status, body } = await open(user, { package_id: 'credits_100' });
    expect([status, body.session_id]).toEqual([201, paid]);
    const keys = create.mock.calls.map((c) => c[1]!.idempotencyKey!);
    expect(keys).toHaveLength(6);
    for (let i = 1; i < keys.length; i++) expect(keys[i]).toBe(`${keys[i - 1]}:${paid}`);
  });
});
