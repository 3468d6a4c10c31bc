import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { syncSubscription } from '@/lib/subscriptions/sync';
import { processStripeEvent } from '@/lib/webhooks';
import { createUserWithToken } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';

let h: BillingHarness;
beforeAll(async () => {
  h = await startBillingHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const mirrorOf = async (teamId: string) =>
  (await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, teamId)))[0]!;
const pending = (type: string, subscriptionId: string): Stripe.Event => {
  const events = h.emu.pendingEvents().filter((e) => {
    const o = e.data.object as { id?: string; parent?: { subscription_details?: { subscription?: string } } };
    return (
      e.type === type && (o.id === subscriptionId || o.parent?.subscription_details?.subscription === subscriptionId)
    );
  });
  expect(events.length, type).toBeGreaterThan(0);
  return events[events.length - 1]!;
};

describe('event order cannot resurrect a cancelled plan', () => {
  it('a past_due snapshot fetched before the cancellation, applied after it, leaves the plan cancelled', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const { stripeSubscriptionId: subId } = await mirrorOf(user.teamId);
    await h.emulator(`subscriptions/${subId}/advance`, { outcome: 'failed' });
    const failed = pending('invoice.payment_failed', subId);

    // Handler 1 fetches the subscription (past_due) and is paused before it applies.
    let paused!: () => void;
    const fetchedStale = new Promise<void>((r) => (paused = r));
    let resume!: () => void;
    const resumed = new Promise<void>((r) => (resume = r));
    const slow = processStripeEvent(
      {
        ...h.app,
        hooks: {
          afterFetch: async () => {
            paused();
            await resumed;
          },
        },
      },
      failed,
    );
    await fetchedStale;

    // Meanwhile the subscription is cancelled and handler 2 mirrors that completely.
    await h.app.stripe.subscriptions.cancel(subId);
    expect(await processStripeEvent(h.app, pending('customer.subscription.deleted', subId))).toBe('processed');
    expect((await mirrorOf(user.teamId)).status).toBe('canceled');

    // Handler 1 now applies its older snapshot.
    resume();
    expect(await slow).toBe('processed');
    expect((await mirrorOf(user.teamId)).status).toBe('canceled');
    expect(await getTeamPlanState(h.t.db, user.teamId)).toMatchObject({ packageId: 'starter', status: null });

    // Whatever else arrives, in any order, the plan stays cancelled.
    await h.deliver({ order: 'shuffled', duplicate: true });
    expect((await mirrorOf(user.teamId)).status).toBe('canceled');
  });

  it('the mirror refuses to move a subscription out of a terminal status (canceled, incomplete_expired)', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const { stripeSubscriptionId: subId } = await mirrorOf(user.teamId);
    const stale = await h.app.stripe.subscriptions.retrieve(subId); // active
    await h.app.stripe.subscriptions.cancel(subId);
    await h.deliver();
    expect((await mirrorOf(user.teamId)).status).toBe('canceled');
    await h.t.db.transaction((tx) => syncSubscription(tx, stale, h.app.clock.now()));
    expect((await mirrorOf(user.teamId)).status).toBe('canceled');
    expect((await getTeamPlanState(h.t.db, user.teamId)).packageId).toBe('starter');
  });
});
