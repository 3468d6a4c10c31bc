import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutSessions, teams } from '@/db/schema';
import { POST as checkoutRoute } from '@/app/api/packages/checkout/route';
import { apiRequest, createUserWithToken, TEST_APP_URL } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

describe('POST /api/packages/checkout', () => {
  it('opens a payment-mode session for a pack and a subscription-mode session for a plan, recorded with the team', async () => {
    const user = await createUserWithToken(h.t.db);
    const pack = await h.checkout(user, { package_id: 'credits_100' });
    expect(pack.status).toBe(201);
    const body = (await pack.json()) as { session_id: string; url: string };
    expect(body.session_id).toMatch(/^cs_test_/);
    expect(body.url).toContain(body.session_id);
    const session = await h.app.stripe.checkout.sessions.retrieve(body.session_id);
    expect(session).toMatchObject({
      mode: 'payment',
      client_reference_id: user.teamId,
      currency: 'gbp',
      amount_total: 900,
      metadata: { team_id: user.teamId, package_id: 'credits_100' },
    });
    const plan = (await (await h.checkout(user, { package_id: 'business_annual', trial_days: 14 })).json()) as {
      session_id: string;
    };
    const planSession = await h.app.stripe.checkout.sessions.retrieve(plan.session_id);
    // A trial charges nothing today, as on Stripe.
    expect(planSession).toMatchObject({ mode: 'subscription', currency: 'usd', amount_total: 0 });
    const rows = await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.teamId, user.teamId));
    expect(rows.map((r) => [r.packageId, r.mode, r.status]).sort()).toEqual([
      ['business_annual', 'subscription', 'open'],
      ['credits_100', 'payment', 'open'],
    ]);
    // Both reuse the team's one Stripe customer.
    expect(planSession.customer).toBe(session.customer);
    const [team] = await h.t.db.select().from(teams).where(eq(teams.id, user.teamId));
    expect(team!.stripeCustomerId).toBe(session.customer);
  });

  it('returns the same session for a retried request', async () => {
    const user = await createUserWithToken(h.t.db);
    const a = (await (await h.checkout(user, { package_id: 'credits_50' })).json()) as { session_id: string };
    const b = (await (await h.checkout(user, { package_id: 'credits_50' })).json()) as { session_id: string };
    expect(b.session_id).toBe(a.session_id);
    expect((await h.t.db.select().from(checkoutSessions).where(eq(checkoutSessions.teamId, user.teamId))).length).toBe(
      1,
    );
  });

  it('opens a new session when the team buys the same pack again right after paying', async () => {
    const user = await createUserWithToken(h.t.db);
    const first = await h.buy(user, 'credits_50');
    const again = (await (await h.checkout(user, { package_id: 'credits_50' })).json()) as { session_id: string };
    expect(again.session_id).not.toBe(first);
    expect(await h.app.stripe.checkout.sessions.retrieve(again.session_id)).toMatchObject({ status: 'open' });
    // A double-click on that second purchase still lands on one session.
    const retried = (await (await h.checkout(user, { package_id: 'credits_50' })).json()) as { session_id: string };
    expect(retried.session_id).toBe(again.session_id);
  });

  it('prices in the requested currency, and then keeps the team in it', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'credits_50', { currency: 'usd' });
    const plan = (await (await h.checkout(user, { package_id: 'professional_monthly' })).json()) as {
      session_id: string;
    };
    expect(await h.app.stripe.checkout.sessions.retrieve(plan.session_id)).toMatchObject({
      currency: 'usd',
      amount_total: 1000,
    });
    const gbp = await h.checkout(user, { package_id: 'credits_100', currency: 'gbp' });
    expect(gbp.status).toBe(409);
    expect(((await gbp.json()) as ErrorBody).error.code).toBe('currency_fixed');
  });

  it('refuses bad input with 400 naming the field', async () => {
    const user = await createUserWithToken(h.t.db);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ package_id: 'credits_50', success_url: 'https://evil.example/steal' }, /^success_url/],
      [{ package_id: 'credits_50', cancel_url: 'javascript:alert(1)' }, /^cancel_url/],
      [{ package_id: 'credits_50', success_url: 'not a url' }, /^success_url/],
      [{ package_id: 'credits_50', trial_days: 14 }, /^trial_days/],
      [{ package_id: 'professional_monthly', trial_days: 0 }, /^trial_days/],
      [{ package_id: 'professional_monthly', trial_days: 31 }, /^trial_days/],
      [{ package_id: 'professional_monthly', currency: 'eur' }, /^currency/],
      [{ package_id: 42 }, /^package_id/],
      [{ package_id: 'credits_50', extra: 1 }, /extra|body/],
    ];
    for (const [body, message] of cases) {
      const res = await h.checkout(user, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as ErrorBody).error.message).toMatch(message);
    }
    const missing = await checkoutRoute(
      apiRequest('/api/packages/checkout', { token: user.token, body: { package_id: 'credits_50' } }),
    );
    expect(missing.status).toBe(400);
  });

  it('answers 404 for unknown packages and 409 for starter, enterprise, add-ons and a second plan', async () => {
    const user = await createUserWithToken(h.t.db);
    expect((await h.checkout(user, { package_id: 'platinum' })).status).toBe(404);
    const codes = async (id: string) =>
      ((await (await h.checkout(user, { package_id: id })).json()) as ErrorBody).error;
    expect((await codes('starter')).code).toBe('free_plan');
    const enterprise = await codes('enterprise');
    expect(enterprise.code).toBe('contact_sales');
    expect(enterprise.details?.contact_sales).toMatch(/^mailto:/);
    expect((await codes('addon_storage')).code).toBe('use_addons_endpoint');
    await h.buy(user, 'professional_monthly');
    const second = await h.checkout(user, { package_id: 'business_monthly' });
    expect(second.status).toBe(409);
    expect(((await second.json()) as ErrorBody).error.code).toBe('plan_active');
  });

  it('lets only owners and admins buy', async () => {
    const owner = await createUserWithToken(h.t.db);
    const member = await createUserWithToken(h.t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    const admin = await createUserWithToken(h.t.db, { joinTeam: { teamId: owner.teamId, role: 'admin' } });
    expect((await h.checkout(member, { package_id: 'credits_50' })).status).toBe(403);
    expect((await h.checkout(admin, { package_id: 'credits_50' })).status).toBe(201);
  });

  it('rate-limits checkout creation per user with 429 and Retry-After', async () => {
    const user = await createUserWithToken(h.t.db);
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 12; i++) {
      last = await checkoutRoute(
        apiRequest('/api/packages/checkout', {
          token: user.token,
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
          body: { package_id: 'credits_50', success_url: `${TEST_APP_URL}/ok?i=${i}`, cancel_url: `${TEST_APP_URL}/c` },
        }),
      );
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers 503 when Stripe is unreachable, without a stack trace', async () => {
    const user = await createUserWithToken(h.t.db);
    const { installTestContext } = await import('../helpers/app');
    const broken = installTestContext(h.t, { stripeBase: 'http://127.0.0.1:9' });
    try {
      const res = await h.checkout(user, { package_id: 'credits_50' });
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.ts|Error:/);
    } finally {
      installTestContext(h.t, { stripeBase: h.emu.url, clock: broken.clock });
    }
  });
});
