import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as statusRoute } from '@/app/api/packages/checkout/[session_id]/route';
import { successUrlWithSessionId } from '@/lib/checkout/rules';
import { apiRequest, createUserWithToken, routeParams, TEST_APP_URL, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness({ startAt: '2026-11-10T12:00:00Z' });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Status = {
  status: string;
  package_id: string;
  credits: { granted: number; expires_at: string | null } | null;
  subscription: { package_id: string; status: string; trial_end: string | null } | null;
  error?: { code: string };
};
const statusOf = async (u: TestUser, sessionId: string) => {
  const res = await statusRoute(
    apiRequest(`/api/packages/checkout/${sessionId}`, { token: u.token }),
    routeParams({ session_id: sessionId }),
  );
  return { code: res.status, body: (await res.json()) as Status };
};
const open = async (u: TestUser, body: Record<string, unknown>) =>
  ((await (await h.checkout(u, body)).json()) as { session_id: string }).session_id;

describe('GET /api/packages/checkout/{session_id}', () => {
  it('is open, then processing once paid, then fulfilled with the credits once the webhook lands', async () => {
    const user = await createUserWithToken(h.t.db);
    const id = await open(user, { package_id: 'credits_100' });
    expect((await statusOf(user, id)).body.status).toBe('open');
    await h.emulator(`checkout/sessions/${id}/complete`, { card: '4242424242424242' });
    // Paid on Stripe, webhook not delivered yet.
    expect((await statusOf(user, id)).body.status).toBe('processing');
    await h.deliver();
    const done = await statusOf(user, id);
    expect(done.body).toMatchObject({ status: 'fulfilled', package_id: 'credits_100', credits: { granted: 100 } });
    // The clock stands still: the pack expires exactly 90 days from its fulfilment.
    expect(Date.parse(done.body.credits!.expires_at!)).toBe(h.app.clock.now().getTime() + 90 * 86_400_000);
  });

  it('reports a trial as fulfilled with its end date', async () => {
    const user = await createUserWithToken(h.t.db);
    const id = await h.buy(user, 'professional_monthly', { trialDays: 14 });
    const { body } = await statusOf(user, id);
    expect(body).toMatchObject({
      status: 'fulfilled',
      subscription: { package_id: 'professional_monthly', status: 'trialing' },
    });
    expect(Date.parse(body.subscription!.trial_end!)).toBeGreaterThan(h.app.clock.now().getTime() + 13 * 86_400_000);
  });

  it('is failed when the session expired unpaid', async () => {
    const user = await createUserWithToken(h.t.db);
    const id = await open(user, { package_id: 'credits_50' });
    await h.app.stripe.checkout.sessions.expire(id);
    expect((await statusOf(user, id)).body.status).toBe('failed');
    await h.deliver();
    expect((await statusOf(user, id)).body.status).toBe('failed');
  });

  it("answers 404 for another team's session and 400 for a malformed id", async () => {
    const owner = await createUserWithToken(h.t.db);
    const stranger = await createUserWithToken(h.t.db);
    const id = await open(owner, { package_id: 'credits_50' });
    const other = await statusOf(stranger, id);
    expect([other.code, other.body.error?.code]).toEqual([404, 'checkout_not_found']);
    expect((await statusOf(owner, 'not-a-session')).code).toBe(400);
  });

  it('sends own-origin success URLs to Stripe with the session id template filled in', async () => {
    const user = await createUserWithToken(h.t.db);
    const id = await open(user, {
      package_id: 'credits_50',
      success_url: `${TEST_APP_URL}/success`,
      cancel_url: `${TEST_APP_URL}/pricing`,
    });
    const session = await h.app.stripe.checkout.sessions.retrieve(id);
    expect(session.success_url).toBe(`${TEST_APP_URL}/success?session_id={CHECKOUT_SESSION_ID}`);
  });
});

describe('successUrlWithSessionId', () => {
  const app = 'https://app.example';
  it.each([
    ['https://app.example/success', 'https://app.example/success?session_id={CHECKOUT_SESSION_ID}'],
    ['https://app.example/success?x=1', 'https://app.example/success?x=1&session_id={CHECKOUT_SESSION_ID}'],
    ['https://app.example/s?x=1#top', 'https://app.example/s?x=1&session_id={CHECKOUT_SESSION_ID}#top'],
    [
      'https://app.example/s?session_id={CHECKOUT_SESSION_ID}',
      'https://app.example/s?session_id={CHECKOUT_SESSION_ID}',
    ],
    ['https://app.example/s?session_id=cs_1', 'https://app.example/s?session_id=cs_1'],
    ['https://partner.example/done', 'https://partner.example/done'],
    ['https://app.example/s#top', 'https://app.example/s?session_id={CHECKOUT_SESSION_ID}#top'],
    ['https://app.example/s?', 'https://app.example/s?session_id={CHECKOUT_SESSION_ID}'],
    ['https://app.example/s?x=1&', 'https://app.example/s?x=1&session_id={CHECKOUT_SESSION_ID}'],
    ['https://app.example/s?x=1&y=2', 'https://app.example/s?x=1&y=2&session_id={CHECKOUT_SESSION_ID}'],
    ['not a url', 'not a url'],
  ])('%s → %s', (input, expected) => {
    expect(successUrlWithSessionId(input, app)).toBe(expected);
  });
});
