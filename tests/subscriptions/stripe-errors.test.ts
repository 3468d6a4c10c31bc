import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptionAddons, subscriptions, teams } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { DELETE as removeAddon } from '@/app/api/packages/user/addons/[package_id]/route';
import { POST as changeSubscription } from '@/app/api/packages/user/subscription/route';
import { createStripeClient } from '@/lib/stripe/client';
import { setAppContext } from '@/lib/server/context';
import { apiRequest, createUserWithToken, routeParams, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

/** Every class of Stripe error, provoked through the real route handlers: an answer in the envelope, never a 500. */
let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const add = (u: TestUser, packageId: string) =>
  addAddon(apiRequest('/api/packages/user/addons', { token: u.token, body: { package_id: packageId } }));
const remove = (u: TestUser, packageId: string) =>
  removeAddon(
    apiRequest(`/api/packages/user/addons/${packageId}`, { token: u.token, method: 'DELETE' }),
    routeParams({ package_id: packageId }),
  );
const change = (u: TestUser, body: unknown) =>
  changeSubscription(apiRequest('/api/packages/user/subscription', { token: u.token, body }));
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

async function payingTeam(): Promise<TestUser> {
  const user = await createUserWithToken(h.t.db);
  await h.buy(user, 'professional_monthly');
  return user;
}

async function switchToCard(user: TestUser, card: string): Promise<void> {
  const [team] = await h.t.db.select().from(teams).where(eq(teams.id, user.teamId));
  const res = await h.emulator(`customers/${team!.stripeCustomerId}/default_card`, { card });
  expect(res.status).toBe(200);
}

describe("Stripe's refusals are answers", () => {
  it('a plan change charged to a declining card answers 402 card_declined with Stripe’s decline message', async () => {
    const user = await payingTeam();
    await switchToCard(user, '4000000000009995'); // insufficient funds
    const res = await change(user, { action: 'change_plan', package_id: 'business_monthly' });
    expect(res.status).toBe(402);
    expect(await errorOf(res)).toMatchObject({ code: 'card_declined', message: 'Your card has insufficient funds.' });
    const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    expect(sub!.packageId).toBe('professional_monthly');
  });

  it('an add-on charged to a declining card answers 402 card_declined and leaves no add-on', async () => {
    const user = await payingTeam();
    await switchToCard(user, '4000000000000002');
    const res = await add(user, 'addon_storage');
    expect(res.status).toBe(402);
    expect(await errorOf(res)).toMatchObject({ code: 'card_declined', message: 'Your card was declined.' });
    expect(await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId))).toEqual(
      [],
    );
  });

  it('removing an add-on Stripe no longer has (removed in the portal) succeeds idempotently; a second DELETE is 404', async () => {
    const user = await payingTeam();
    expect((await add(user, 'addon_storage')).status).toBe(201);
    await h.deliver();
    const [addon] = await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId));
    await h.app.stripe.subscriptionItems.del(addon!.stripeSubscriptionItemId!); // the portal, webhook not yet here
    const res = await remove(user, 'addon_storage');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ package_id: 'addon_storage', status: 'removed' });
    const again = await remove(user, 'addon_storage');
    expect(again.status).toBe(404);
    expect((await errorOf(again)).code).toBe('addon_not_found');
  });

  it('a change Stripe refuses as invalid (plan already cancelled there) answers 409 naming the cause', async () => {
    const user = await payingTeam();
    const [sub] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    await h.app.stripe.subscriptions.cancel(sub!.stripeSubscriptionId); // the cancellation's webhook has not landed
    const res = await change(user, { action: 'cancel' });
    expect(res.status).toBe(409);
    const error = await errorOf(res);
    expect(error.code).toBe('stripe_refused');
    expect(error.message).toContain('canceled subscription');
  });

  it('Stripe unreachable answers 503 with Retry-After', async () => {
    const user = await payingTeam();
    setAppContext({
      ...h.app,
      stripe: createStripeClient(
        { kind: 'emulator', apiBase: 'http://127.0.0.1:9', secretKey: 'sk_test_emulator' },
        { maxNetworkRetries: 0, timeoutMs: 2000 },
      ),
    });
    try {
      const res = await change(user, { action: 'cancel' });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect((await errorOf(res)).code).toBe('payment_provider_unreachable');
    } finally {
      setAppContext(h.app);
    }
  });

  it('Stripe refusing our own key answers 503, not 500', async () => {
    const user = await payingTeam();
    setAppContext({
      ...h.app,
      stripe: createStripeClient(
        { kind: 'emulator', apiBase: h.emu.url, secretKey: 'sk_live_not_for_the_emulator' },
        { maxNetworkRetries: 0, timeoutMs: 2000 },
      ),
    });
    try {
      const res = await change(user, { action: 'cancel' });
      expect(res.status).toBe(503);
      expect((await errorOf(res)).code).toBe('payment_provider_unavailable');
    } finally {
      setAppContext(h.app);
    }
  });
});
