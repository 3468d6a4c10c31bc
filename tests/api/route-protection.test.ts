import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userPurchases } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import { deductCredit, grantPackCredits, reserve } from '@/lib/credits';
import { setSessionResolver } from '@/lib/api/credentials';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import {
  apiRequest,
  createUserWithToken,
  installTestContext,
  routeParams,
  TEST_APP_URL,
  type TestUser,
} from '../helpers/app';

// Authenticated by something other than a user: Stripe's signature, or public by design.
const PUBLIC_ROUTES = new Set(['webhook', 'openapi.json']);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface DiscoveredRoute {
  name: string;
  file: string;
  params: Record<string, string>;
  method: string;
}

/** Every handler under app/api/packages, found on disk so new routes are covered without edits here. */
function discoverRoutes(): DiscoveredRoute[] {
  const root = path.resolve('app/api/packages');
  const out: DiscoveredRoute[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'route.ts') {
        const segments = path.relative(root, dir).split(path.sep).filter(Boolean);
        if (PUBLIC_ROUTES.has(segments[0] ?? '')) continue;
        const params = Object.fromEntries(
          segments.filter((s) => s.startsWith('[')).map((s) => [s.slice(1, -1), 'professional_monthly']),
        );
        const source = fs.readFileSync(full, 'utf8');
        for (const method of METHODS) {
          if (new RegExp(`export (async )?function ${method}\\b|export const ${method}\\b`).test(source)) {
            out.push({ name: `${method} /api/packages/${segments.join('/')}`, file: full, params, method });
          }
        }
      }
    }
  };
  walk(root);
  return out;
}

const routes = discoverRoutes();
let t: TestDatabase;
let teamA: TestUser;
let teamB: TestUser;
let sessionUser: string | null = null;
/** Ids and references only team A's data carries: any of them in team B's answer is a leak. */
let teamASecrets: string[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t);
  setSessionResolver(async () => sessionUser);
  await upsertCatalogRows(t.db, PACKAGES);
  teamA = await createUserWithToken(t.db);
  teamB = await createUserWithToken(t.db);
  // Team A has something to leak: a purchase, a credit pack, spent credits and a held reservation.
  const clock = new ManualClock('2026-11-10T12:00:00Z');
  const [purchase] = await t.db
    .insert(userPurchases)
    .values({
      teamId: teamA.teamId,
      userId: teamA.userId,
      packageId: 'credits_100',
      businessKey: 'checkout:cs_team_a_secret',
      stripeCheckoutSessionId: 'cs_team_a_secret',
      stripePaymentIntentId: 'pi_team_a_secret',
      stripeChargeId: 'ch_team_a_secret',
      amount: 900,
      currency: 'gbp',
      purchasedAt: clock.now(),
    })
    .returning();
  const grant = await t.db.transaction((tx) =>
    grantPackCredits(tx, clock, undefined, {
      teamId: teamA.teamId,
      userId: teamA.userId,
      packageId: 'credits_100',
      credits: 100,
      validityDays: 90,
      priority: false,
      businessKey: 'pack:cs_team_a_secret',
      sourceRef: 'cs_team_a_secret',
    }),
  );
  const spent = await deductCredit(
    { db: t.db, clock },
    teamA.teamId,
    'ai_stories',
    30,
    'story-team-a-secret',
    teamA.userId,
  );
  const held = await reserve({ db: t.db, clock }, teamA.teamId, 5, 'hold-team-a-secret', { userId: teamA.userId });
  teamASecrets = [
    teamA.teamId,
    teamA.email,
    teamA.userId,
    purchase!.id,
    'cs_team_a_secret',
    'pi_team_a_secret',
    'ch_team_a_secret',
    grant.id,
    spent.reservation_id,
    'story-team-a-secret',
    held.reservation_id,
    'hold-team-a-secret',
  ];
});
afterAll(async () => {
  await t?.close();
});

async function call(
  route: DiscoveredRoute,
  init: { token?: string; headers?: Record<string, string>; body?: unknown },
): Promise<Response> {
  const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, Handler>;
  const url = route.name.split(' ')[1]!.replace(/\[([^\]]+)\]/g, (_, k: string) => route.params[k]!);
  const req = apiRequest(url, {
    method: route.method,
    token: init.token,
    headers: init.headers,
    body: route.method === 'GET' ? undefined : (init.body ?? {}),
  });
  return mod[route.method]!(req, routeParams(route.params));
}

describe('every /api/packages route', () => {
  it('is found on disk', () => {
    expect(routes.length).toBeGreaterThanOrEqual(6);
  });

  it.each(routes.map((r) => [r.name, r] as const))(
    '%s answers 401 with a JSON error without credentials',
    async (_name, route) => {
      const res = await call(route, {});
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      const bad = await call(route, { token: 'afk_forged' });
      expect(bad.status).toBe(401);
    },
  );

  it.each(routes.filter((r) => r.method === 'GET').map((r) => [r.name, r] as const))(
    "%s never returns another team's data",
    async (_name, route) => {
      const res = await call(route, { token: teamB.token });
      expect(res.status).toBeLessThan(500);
      const text = await res.text();
      expect(teamASecrets.length).toBeGreaterThan(10);
      for (const secret of teamASecrets) expect(text).not.toContain(secret);
    },
  );

  it('shows team A its own seeded data, so the leak check above has something to find', async () => {
    const seen = new Set<string>();
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const text = await (await call(route, { token: teamA.token })).text();
      for (const secret of teamASecrets) if (text.includes(secret)) seen.add(secret);
    }
    // The purchase and the pack are shown to their own team by some GET route (no GET route lists reservations).
    expect([...seen]).toEqual(expect.arrayContaining(teamASecrets.slice(3, 8)));
  });

  it.each(routes.filter((r) => r.method !== 'GET').map((r) => [r.name, r] as const))(
    '%s refuses a cookie-authenticated cross-site request (CSRF)',
    async (_name, route) => {
      sessionUser = teamA.userId;
      try {
        const res = await call(route, { headers: { origin: 'https://evil.example' } });
        expect(res.status).toBe(403);
        const sameSite = await call(route, { headers: { origin: TEST_APP_URL } });
        expect(sameSite.status).not.toBe(401);
        expect(sameSite.status).not.toBe(403);
      } finally {
        sessionUser = null;
      }
    },
  );

  it('accepts the session cookie in place of a token', async () => {
    sessionUser = teamA.userId;
    try {
      const route = routes.find((r) => r.name === 'GET /api/packages/user/entitlements')!;
      const res = await call(route, {});
      expect(res.status).toBe(200);
      expect(((await res.json()) as { plan: string }).plan).toBe('starter');
    } finally {
      sessionUser = null;
    }
  });
});
