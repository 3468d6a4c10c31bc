import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { creditLedger, stripeEvents, subscriptionAddons, subscriptions, userCredits, userPurchases } from '@/db/schema';
import { POST as webhookRoute } from '@/app/api/packages/webhook/route';
import type { WebhookHooks } from '@/lib/webhooks';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { POST as addonRoute } from '@/app/api/packages/user/addons/route';
import { apiRequest, createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, WEBHOOK_SECRET, type BillingHarness } from '../helpers/billing';
import { expectLedgerMatchesGrants } from '../credits/helpers';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterEach(() => {
  h.app.webhookHooks = undefined;
});
afterAll(async () => {
  await h?.close();
});

/** What a purchase leaves in the database for one team: all of it must be absent or present together. */
async function footprint(teamId: string) {
  const [purchases, grants, ledger, mirrors, addons] = await Promise.all([
    h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId)),
    h.t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId)),
    h.t.db.select().from(creditLedger).where(eq(creditLedger.teamId, teamId)),
    h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId)),
    h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, teamId)),
  ]);
  return { purchases, grants: grants.filter((g) => g.source !== 'plan_allowance'), ledger, mirrors, addons };
}

/** Checkout and payment at the local Stripe (or an add-on on the plan); the webhooks stay pending, for the test to deliver. */
async function payWithoutDelivery(user: TestUser, packageId: string) {
  if (packageId.startsWith('addon_')) {
    const added = await addonRoute(
      apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: packageId } }),
    );
    expect(added.status).toBe(201);
    return;
  }
  const res = await h.checkout(user, { package_id: packageId });
  expect(res.status).toBe(201);
  const { session_id } = (await res.json()) as { session_id: string };
  const paid = await h.emulator(`checkout/sessions/${session_id}/complete`, { card: '4242424242424242' });
  expect(paid.ok).toBe(true);
  return session_id;
}

/** Delivers every pending event once, signed, straight to the route; returns the statuses. */
async function deliverPendingOnce(): Promise<number[]> {
  const statuses: number[] = [];
  for (const event of h.emu.pendingEvents()) {
    const payload = JSON.stringify(event);
    const signature = h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const res = await webhookRoute(
      new Request('http://app.test/api/packages/webhook', {
        method: 'POST',
        body: payload,
        headers: { 'stripe-signature': signature, 'content-type': 'application/json' },
      }),
    );
    const body = await res.text();
    expect(body, 'never a stack trace').not.toMatch(/\.ts:\d|\n\s+at /);
    statuses.push(res.status);
  }
  return statuses;
}

const eventCount = async () => (await h.t.db.select({ n: sql<number>`count(*)::int` }).from(stripeEvents))[0]!.n;

describe('a webhook whose transaction fails after every write', () => {
  it.each(['credits_100', 'professional_monthly', 'addon_storage'])(
    '%s: an injected failure before the commit answers 500 and applies nothing; the redelivery fulfils exactly once',
    async (packageId) => {
      const user = await createUserWithToken(h.t.db);
      if (packageId === 'addon_storage') await h.buy(user, 'professional_monthly');
      await payWithoutDelivery(user, packageId);
      // The route's own writes (the add-on's row) are not the webhooks': the baseline is taken after it.
      const before = await footprint(user.teamId);
      const eventsBefore = await eventCount();

      let reachedCommit = 0;
      const fault: WebhookHooks = {
        async beforeCommit() {
          reachedCommit++;
          throw new Error('injected fault: the process died before the commit');
        },
      };
      h.app.webhookHooks = fault;
      const statuses = await deliverPendingOnce();
      expect(reachedCommit, 'the fault ran inside at least one handler').toBeGreaterThan(0);
      expect(statuses.filter((s) => s === 500)).toHaveLength(reachedCommit);
      expect(statuses.every((s) => s === 500 || s === 200)).toBe(true);
      expect(await footprint(user.teamId)).toEqual(before);
      expect(await eventCount()).toBe(eventsBefore);

      // Stripe retries: this time the commit goes through, twice over and out of order.
      h.app.webhookHooks = undefined;
      await h.deliver({ order: 'shuffled', duplicate: true });
      const after = await footprint(user.teamId);
      if (packageId === 'addon_storage') {
        expect(after.mirrors).toHaveLength(1);
        const plan = await getTeamPlanState(h.t.db, user.teamId);
        expect(plan.addons).toEqual(['addon_storage']);
      } else {
        const newPurchases = after.purchases.filter((p) => p.packageId === packageId);
        expect(newPurchases).toHaveLength(1);
        expect(newPurchases[0]).toMatchObject({ status: 'paid' });
      }
      if (packageId === 'credits_100') {
        expect(after.grants.filter((g) => g.source === 'credit_pack')).toHaveLength(1);
        expect(after.grants.find((g) => g.source === 'credit_pack')).toMatchObject({ amount: 100, remaining: 100 });
      }
      if (packageId === 'professional_monthly') expect(after.mirrors).toHaveLength(1);
      await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());

      // A late third delivery of the same events changes nothing.
      const settled = await footprint(user.teamId);
      const statusesAgain = await deliverPendingOnce();
      expect(statusesAgain.every((s) => s === 200)).toBe(true);
      expect(await footprint(user.teamId)).toEqual(settled);
    },
  );

  it('a connection terminated by the server mid-transaction (pg_terminate_backend) answers 503 and applies nothing; the redelivery fulfils once', async (ctx) => {
    if (h.t.kind !== 'postgres')
      ctx.skip(
        'PGlite serves one backend with no pg_terminate_backend; runs on PostgreSQL (TEST_DATABASE_URL), the injected fault above covers PGlite',
      );
    const user = await createUserWithToken(h.t.db);
    const before = await footprint(user.teamId);
    await payWithoutDelivery(user, 'credits_250');

    const killer = postgres(h.t.url, { max: 1, onnotice: () => {} });
    let killed = 0;
    try {
      h.app.webhookHooks = {
        async beforeCommit(tx) {
          const [row] = (await tx.execute(sql`SELECT pg_backend_pid() AS pid`)) as unknown as { pid: number }[];
          await killer`SELECT pg_terminate_backend(${row!.pid})`;
          killed++;
        },
      };
      const statuses = await deliverPendingOnce();
      expect(killed).toBeGreaterThan(0);
      // A lost connection is the database being unavailable: 503 (retryable for Stripe like any non-2xx).
      expect(statuses.filter((s) => s === 503)).toHaveLength(killed);
      expect(await footprint(user.teamId)).toEqual(before);
    } finally {
      h.app.webhookHooks = undefined;
      await killer.end();
    }

    // The pool replaces the killed connections by itself; the redelivery fulfils exactly once.
    await h.deliver({ order: 'shuffled', duplicate: true });
    const after = await footprint(user.teamId);
    expect(after.purchases.filter((p) => p.packageId === 'credits_250')).toHaveLength(1);
    expect(after.grants.filter((g) => g.source === 'credit_pack')).toHaveLength(1);
    await expectLedgerMatchesGrants(h.t.db, user.teamId, h.app.clock.now());
  });
});
