import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { subscriptionAddons, subscriptions } from '@/db/schema';
import { POST as addAddon } from '@/app/api/packages/user/addons/route';
import { findPackage } from '@/lib/catalog/packages';
import { apiRequest, createUserWithToken } from '../helpers/app';
import { billingHarnessForFile } from '../helpers/billing';

/**
 * addAddon losing the race to a concurrent request for the same add-on, made deterministic: the
 * other request's pending row is inserted in a transaction held open until this request's insert is
 * waiting on the partial unique index `subscription_addons_one_live`, then committed (or the waiting
 * request's connection is cut). On the embedded database (PGlite: one session) the request cannot
 * run while the test's transaction is open, so these run on PostgreSQL (TEST_DATABASE_URL) only.
 */
const realPostgres = Boolean(process.env.TEST_DATABASE_URL);
const h = billingHarnessForFile();

/** The backend of the add-on insert waiting on the other request's row. */
async function waitForBlockedInsert(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const [row] = (await h.t.db.execute(
      sql`SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query ILIKE 'insert into "subscription_addons"%'`,
    )) as unknown as { pid: number }[];
    if (row) return row.pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the add-on insert never waited on the other request');
}

describe.skipIf(!realPostgres)('addAddon against a concurrent request for the same add-on (PostgreSQL only)', () => {
  it('passes the early check, meets the unique index, answers 409 addon_active and charges nothing at Stripe', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [mirror] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    let answer: Promise<Response> | undefined;
    await h.t.db.transaction(async (tx) => {
      await tx
        .insert(subscriptionAddons)
        .values({ teamId: user.teamId, subscriptionId: mirror!.id, packageId: 'addon_storage', status: 'pending' });
      answer = addAddon(
        apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: 'addon_storage' } }),
      );
      await waitForBlockedInsert();
    });
    const res = await answer!;
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: unknown }).error).toMatchObject({
      code: 'addon_active',
      message: `Your team already has ${findPackage('addon_storage')!.name}`,
    });
    const rows = await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId));
    expect(rows.map((r) => r.status)).toEqual(['pending']);
    const sub = await h.app.stripe.subscriptions.retrieve(mirror!.stripeSubscriptionId);
    expect(sub.items.data).toHaveLength(1);
  });
  it('a connection lost while the insert waits answers 503 and records and charges nothing, not a false addon_active', async () => {
    const user = await createUserWithToken(h.t.db);
    await h.buy(user, 'professional_monthly');
    const [mirror] = await h.t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    let answer: Promise<Response> | undefined;
    await h.t.db
      .transaction(async (tx) => {
        await tx
          .insert(subscriptionAddons)
          .values({ teamId: user.teamId, subscriptionId: mirror!.id, packageId: 'addon_storage', status: 'pending' });
        answer = addAddon(
          apiRequest('/api/packages/user/addons', { token: user.token, body: { package_id: 'addon_storage' } }),
        );
        const pid = await waitForBlockedInsert();
        await h.t.db.execute(sql`SELECT pg_terminate_backend(${pid})`);
        // The other request gives up: its row is never committed.
        tx.rollback();
      })
      .catch((err: unknown) => {
        if (!(err instanceof Error && err.message === 'Rollback')) throw err;
      });
    const res = await answer!;
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('service_unavailable');
    expect(await h.t.db.select().from(subscriptionAddons).where(eq(subscriptionAddons.teamId, user.teamId))).toEqual(
      [],
    );
    const sub = await h.app.stripe.subscriptions.retrieve(mirror!.stripeSubscriptionId);
    expect(sub.items.data).toHaveLength(1);
  });
});
