import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripeEvents, userCredits, userPurchases } from '@/db/schema';
import { connectDatabase, type DbHandle } from '@/db/client';
import { invalidateCatalogCache } from '@/lib/catalog';
import { POST as webhookRoute } from '@/app/api/packages/webhook/route';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, WEBHOOK_SECRET, type BillingHarness } from '../helpers/billing';
import { startCuttableProxy, type CuttableProxy } from '../helpers/cuttable-proxy';
import { callRoute, DOCUMENTED_ROUTES, type RouteCall } from '../helpers/routes';
import { expectLedgerMatchesGrants } from '../credits/helpers';

/**
 * The app's database sits behind a TCP proxy the test cuts, as a stopped or unreachable PostgreSQL
 * would look from the app, with the app's own default connect and statement timeouts.
 */
let h: BillingHarness;
let proxy: CuttableProxy;
let proxied: DbHandle;
let owner: TestUser;
let admin: TestUser;
let ownerSession: unknown;
let poolMax: number;

beforeAll(async () => {
  h = await startBillingHarness();
  const target = new URL(h.t.url);
  proxy = await startCuttableProxy({ host: target.hostname, port: Number(target.port) });
  // The app's own pool size; the embedded database cannot serve several connections' transactions
  // even one after another, so it gets one (and its outage tests run longer: one request at a time).
  poolMax = h.t.kind === 'pglite' ? 1 : h.app.env.DATABASE_POOL_MAX;
  proxied = connectDatabase(proxy.urlFor(h.t.url), {
    max: poolMax,
    connectTimeoutMs: h.app.env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: h.app.env.DATABASE_STATEMENT_TIMEOUT_MS,
    // As the app's own handle: named statements on PostgreSQL, unnamed on the embedded database.
    prepare: h.t.prepare,
  });
  h.app.db = proxied.db;
  invalidateCatalogCache();
  owner = await createUserWithToken(h.t.db);
  admin = await createUserWithToken(h.t.db, { isPlatformAdmin: true });
  ownerSession = await h.app.stripe.checkout.sessions.retrieve(await h.buy(owner, 'professional_monthly'));
}, 60_000);
afterAll(async () => {
  await proxied?.close();
  await proxy?.close();
  await h?.close();
});

/** A well-formed request for each documented operation: what fails is the database, not the input. */
function validCall(name: string): RouteCall {
  const token = name.includes('analytics') ? admin.token : owner.token;
  const reference = `outage-${Math.random().toString(36).slice(2)}`;
  const calls: Record<string, RouteCall> = {
    'GET /api/packages/{package_id}': { params: { package_id: 'credits_100' } },
    'POST /api/packages/user/credits/deduct': { body: { amount: 1, reference_id: reference } },
    'POST /api/packages/user/credits/reservations': { body: { amount: 1, reference_id: reference } },
    'POST /api/packages/user/credits/reservations/{reservation_id}/commit': {
      params: { reservation_id: '00000000-0000-4000-8000-000000000000' },
    },
    'POST /api/packages/user/credits/reservations/{reservation_id}/release': {
      params: { reservation_id: '00000000-0000-4000-8000-000000000000' },
    },
    'POST /api/packages/checkout': {
      body: { package_id: 'credits_100', success_url: 'http://app.test/ok', cancel_url: 'http://app.test/no' },
    },
    'GET /api/packages/checkout/{session_id}': { params: { session_id: 'cs_test_outage' } },
    'POST /api/packages/user/subscription': { body: { action: 'cancel' } },
    'POST /api/packages/user/subscription/preview': { body: { action: 'change_plan', package_id: 'business_monthly' } },
    'POST /api/packages/user/addons': { body: { package_id: 'addon_storage' } },
    'DELETE /api/packages/user/addons/{package_id}': { params: { package_id: 'addon_storage' } },
    'POST /api/packages/billing-portal': { body: { return_url: 'http://app.test/account' } },
  };
  if (name === 'POST /api/packages/webhook') {
    // A real paid session, so the handler's Stripe fetch succeeds and its transaction meets the outage.
    const payload = JSON.stringify({
      id: `evt_outage_${reference}`,
      object: 'event',
      type: 'checkout.session.completed',
      created: Math.floor(h.app.clock.now().getTime() / 1000),
      data: { object: ownerSession },
    });
    return {
      body: payload,
      headers: {
        'content-type': 'application/json',
        'stripe-signature': h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
      },
    };
  }
  return { token, ...calls[name] };
}

// The OpenAPI document is built from code and needs no database.
const NEEDS_NO_DATABASE = new Set(['GET /api/packages/openapi.json']);

async function timed(name: string) {
  const spec = DOCUMENTED_ROUTES.find((r) => r.name === name)!.spec;
  const started = performance.now();
  const res = await callRoute(spec, validCall(name));
  const ms = performance.now() - started;
  const text = await res.text();
  return { name, status: res.status, ms, text, retryAfter: res.headers.get('retry-after') };
}

describe('PostgreSQL stopped or unreachable', () => {
  it('every route answers while the database is up (the baseline)', async () => {
    for (const { name } of DOCUMENTED_ROUTES) {
      const r = await timed(name);
      expect(r.status, `${name}: ${r.text}`).toBeLessThan(500);
    }
  });

  it.each(['refuse', 'blackhole'] as const)(
    'with the database cut (%s), every route answers 503 JSON within 2 s, and recovers by itself when it returns',
    async (mode) => {
      proxy.cut(mode);
      const results: Awaited<ReturnType<typeof timed>>[] = [];
      try {
        // As many at once as the pool has connections: each request meets the outage with a connection
        // attempt of its own (a larger burst queues behind those attempts; see the burst test below).
        for (let i = 0; i < DOCUMENTED_ROUTES.length; i += poolMax)
          results.push(...(await Promise.all(DOCUMENTED_ROUTES.slice(i, i + poolMax).map(({ name }) => timed(name)))));
      } finally {
        proxy.restore();
      }
      for (const r of results) {
        expect(r.ms, `${r.name} took ${Math.round(r.ms)} ms`).toBeLessThan(2000);
        if (NEEDS_NO_DATABASE.has(r.name)) {
          expect(r.status, r.name).toBe(200);
          continue;
        }
        expect(r.status, `${r.name}: ${r.text}`).toBe(503);
        expect(r.retryAfter, r.name).toBe('5');
        expect(JSON.parse(r.text), r.name).toEqual({
          error: { code: 'service_unavailable', message: expect.any(String) },
        });
        expect(r.text, r.name).not.toMatch(/ECONN|CONNECT_TIMEOUT|\.ts:\d|\n\s+at /);
      }
      console.info(
        `database ${mode}: slowest 503 ${Math.round(Math.max(...results.map((r) => r.ms)))} ms over ${results.length} routes`,
      );

      // Back by itself: no restart, the pool reconnects on the next request.
      const started = performance.now();
      let recovered = await timed('GET /api/packages/user/credits');
      while (recovered.status !== 200 && performance.now() - started < 5000) {
        await new Promise((r) => setTimeout(r, 100));
        recovered = await timed('GET /api/packages/user/credits');
      }
      expect(recovered.status, recovered.text).toBe(200);
      for (const { name } of DOCUMENTED_ROUTES) {
        const r = await timed(name);
        expect(r.status, `${name} after recovery: ${r.text}`).toBeLessThan(500);
      }
      await expectLedgerMatchesGrants(h.t.db, owner.teamId, h.app.clock.now());
    },
    60_000,
  );

  it('a burst of every route at once while the database refuses: all 503, none hangs, the process stays up', async () => {
    proxy.cut('refuse');
    let results: Awaited<ReturnType<typeof timed>>[];
    try {
      results = await Promise.all(
        (poolMax > 1 ? [...DOCUMENTED_ROUTES, ...DOCUMENTED_ROUTES] : DOCUMENTED_ROUTES)
          .filter((r) => !NEEDS_NO_DATABASE.has(r.name))
          .map((r) => timed(r.name)),
      );
    } finally {
      proxy.restore();
    }
    expect(results.map((r) => r.status)).toEqual(results.map(() => 503));
    const slowest = Math.max(...results.map((r) => r.ms));
    // Requests beyond the pool's size wait in its queue for a connection attempt each (the driver's
    // reconnect backoff is capped at 250 ms), so a burst is bounded by its size over the pool's.
    const bound = Math.ceil(results.length / poolMax) * 400 + 2000;
    expect(slowest).toBeLessThan(bound);
    console.info(
      `database refuse, burst of ${results.length} on a pool of ${poolMax}: slowest 503 ${Math.round(slowest)} ms`,
    );
  }, 60_000);

  it('a webhook whose database goes away between its writes and its commit applies nothing; the redelivery fulfils once', async () => {
    const buyer = await createUserWithToken(h.t.db);
    const res = await h.checkout(buyer, { package_id: 'credits_250' });
    expect(res.status).toBe(201);
    const { session_id } = (await res.json()) as { session_id: string };
    await h.emulator(`checkout/sessions/${session_id}/complete`, {});
    const eventsBefore = (await h.t.db.select({ n: sql<number>`count(*)::int` }).from(stripeEvents))[0]!.n;

    let cuts = 0;
    h.app.webhookHooks = {
      async beforeCommit() {
        cuts++;
        proxy.cut('refuse');
      },
    };
    const statuses: number[] = [];
    try {
      for (const event of h.emu.pendingEvents()) {
        const payload = JSON.stringify(event);
        const delivered = await webhookRoute(
          new Request('http://app.test/api/packages/webhook', {
            method: 'POST',
            body: payload,
            headers: {
              'stripe-signature': h.app.stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
            },
          }),
        );
        statuses.push(delivered.status);
        proxy.restore();
      }
    } finally {
      h.app.webhookHooks = undefined;
      proxy.restore();
    }
    expect(cuts).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 503)).toHaveLength(cuts);
    // Read past the proxy: nothing of the purchase reached the database.
    expect(await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, buyer.teamId))).toEqual([]);
    expect(
      (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, buyer.teamId))).filter(
        (g) => g.source === 'credit_pack',
      ),
    ).toEqual([]);
    expect((await h.t.db.select({ n: sql<number>`count(*)::int` }).from(stripeEvents))[0]!.n).toBe(eventsBefore);

    await h.deliver({ order: 'shuffled', duplicate: true });
    expect(await h.t.db.select().from(userPurchases).where(eq(userPurchases.teamId, buyer.teamId))).toHaveLength(1);
    const packs = (await h.t.db.select().from(userCredits).where(eq(userCredits.teamId, buyer.teamId))).filter(
      (g) => g.source === 'credit_pack',
    );
    expect(packs).toHaveLength(1);
    expect(packs[0]).toMatchObject({ amount: 250, remaining: 250 });
    await expectLedgerMatchesGrants(h.t.db, buyer.teamId, h.app.clock.now());
  });
});
