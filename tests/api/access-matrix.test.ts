import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@/lib/clock';
import { reserve as reserveCredits } from '@/lib/credits';
import { createApiToken, revokeApiToken } from '@/lib/tokens';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { startBillingHarness, type BillingHarness } from '../helpers/billing';
import { callRoute, DOCUMENTED_ROUTES, type RouteCall } from '../helpers/routes';

/**
 * Every documented route against every kind of caller, with the exact status each must get.
 * Team A (owner, admin, member) and the platform admin's own team are on Professional; the
 * "other team" caller owns team B on Starter and is pointed at team A's reservation and checkout
 * session. Callers run in the order below, so the admins' writes (cancel, add-on) come last.
 */
const PRINCIPALS = [
  'anonymous',
  'malformed token',
  'expired token',
  'revoked token',
  'member of another team',
  'member without the role',
  'team admin',
  'platform admin',
] as const;
type Principal = (typeof PRINCIPALS)[number];

// 401 for every credential that is not a live one; the webhook answers only to Stripe's signature
// (400 without it), the OpenAPI document to anyone.
const DENIED = { anonymous: 401, 'malformed token': 401, 'expired token': 401, 'revoked token': 401 } as const;
const row = (rest: Record<Exclude<Principal, keyof typeof DENIED>, number>) => ({ ...DENIED, ...rest });
const everyone = (status: number) =>
  Object.fromEntries(PRINCIPALS.map((p) => [p, status])) as Record<Principal, number>;
const readable = row({
  'member of another team': 200,
  'member without the role': 200,
  'team admin': 200,
  'platform admin': 200,
});

const EXPECTED: Record<string, Record<Principal, number>> = {
  'GET /api/packages': readable,
  'GET /api/packages/subscriptions': readable,
  'GET /api/packages/addons': readable,
  'GET /api/packages/credits': readable,
  'GET /api/packages/{package_id}': readable,
  'GET /api/packages/user/entitlements': readable,
  'GET /api/packages/user/credits': readable,
  // Spending is every member's; the other team spends its own credits.
  'POST /api/packages/user/credits/deduct': readable,
  'POST /api/packages/user/credits/reservations': row({
    'member of another team': 201,
    'member without the role': 201,
    'team admin': 201,
    'platform admin': 201,
  }),
  // Team A's reservation: not found for another team.
  'POST /api/packages/user/credits/reservations/{reservation_id}/commit': row({
    'member of another team': 404,
    'member without the role': 200,
    'team admin': 200,
    'platform admin': 200,
  }),
  'POST /api/packages/user/credits/reservations/{reservation_id}/release': row({
    'member of another team': 404,
    'member without the role': 200,
    'team admin': 200,
    'platform admin': 200,
  }),
  // Buying and managing billing needs admin; the other team's owner buys for team B.
  'POST /api/packages/checkout': row({
    'member of another team': 201,
    'member without the role': 403,
    'team admin': 201,
    'platform admin': 201,
  }),
  'GET /api/packages/checkout/{session_id}': row({
    'member of another team': 404,
    'member without the role': 200,
    'team admin': 200,
    'platform admin': 200,
  }),
  'POST /api/packages/webhook': everyone(400),
  'GET /api/packages/user/purchases': readable,
  'GET /api/packages/user/subscription': readable,
  'POST /api/packages/user/subscription': row({
    'member of another team': 409, // team B has no plan to cancel
    'member without the role': 403,
    'team admin': 200,
    'platform admin': 200,
  }),
  'POST /api/packages/user/subscription/preview': row({
    'member of another team': 409,
    'member without the role': 403,
    'team admin': 200,
    'platform admin': 200,
  }),
  'POST /api/packages/user/addons': row({
    'member of another team': 409,
    'member without the role': 403,
    'team admin': 201,
    'platform admin': 201,
  }),
  'DELETE /api/packages/user/addons/{package_id}': row({
    'member of another team': 404,
    'member without the role': 403,
    'team admin': 200,
    'platform admin': 200,
  }),
  'POST /api/packages/billing-portal': row({
    // Team B's own portal: its checkout above made it a Stripe customer.
    'member of another team': 200,
    'member without the role': 403,
    'team admin': 200,
    'platform admin': 200,
  }),
  'GET /api/packages/analytics/performance': row({
    'member of another team': 403,
    'member without the role': 403,
    'team admin': 403,
    'platform admin': 200,
  }),
  'GET /api/packages/admin/analytics': row({
    'member of another team': 403,
    'member without the role': 403,
    'team admin': 403,
    'platform admin': 200,
  }),
  'GET /api/packages/openapi.json': everyone(200),
};

let h: BillingHarness;
const tokens = {} as Record<Principal, string | undefined>;
/** The reservation and checkout session each caller is pointed at (its own team's, or team A's). */
const resources = {} as Record<Principal, { commit: string; release: string; session: string }>;

beforeAll(async () => {
  h = await startBillingHarness();
  const owner = await createUserWithToken(h.t.db);
  const admin = await createUserWithToken(h.t.db, { joinTeam: { teamId: owner.teamId, role: 'admin' } });
  const member = await createUserWithToken(h.t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
  const other = await createUserWithToken(h.t.db);
  const platformAdmin = await createUserWithToken(h.t.db, { isPlatformAdmin: true });
  const sessionA = await h.buy(owner, 'professional_monthly');
  const sessionP = await h.buy(platformAdmin, 'professional_monthly');

  const reserve = async (user: TestUser, n: number) =>
    (await reserveCredits(h.app, user.teamId, 1, `matrix-${n}-${user.userId}`, { userId: user.userId })).reservation_id;
  const teamA = async (user: TestUser) => ({
    commit: await reserve(user, 1),
    release: await reserve(user, 2),
    session: sessionA,
  });
  resources['member without the role'] = await teamA(member);
  resources['team admin'] = await teamA(admin);
  resources['member of another team'] = await teamA(owner);
  resources['platform admin'] = {
    commit: await reserve(platformAdmin, 1),
    release: await reserve(platformAdmin, 2),
    session: sessionP,
  };
  const forDenied = await teamA(owner);
  for (const p of ['anonymous', 'malformed token', 'expired token', 'revoked token'] as const) resources[p] = forDenied;

  const past = new ManualClock(new Date(h.app.clock.now().getTime() - 3 * 86_400_000));
  const expired = await createApiToken({ db: h.t.db, clock: past }, admin.userId, {
    name: 'expired',
    kind: 'service',
    expiresInDays: 1,
  });
  const revoked = await createApiToken(h.app, admin.userId, { name: 'revoked', kind: 'service' });
  await revokeApiToken(h.app, admin.userId, revoked.id);

  Object.assign(tokens, {
    anonymous: undefined,
    'malformed token': 'afk_not-a-real-token',
    'expired token': expired.token,
    'revoked token': revoked.token,
    'member of another team': other.token,
    'member without the role': member.token,
    'team admin': admin.token,
    'platform admin': platformAdmin.token,
  });
}, 90_000);
afterAll(async () => {
  await h?.close();
});

function requestFor(name: string, principal: Principal): RouteCall {
  const r = resources[principal];
  const reference = `matrix-${principal.replace(/\W/g, '-')}`;
  const parts: Record<string, RouteCall> = {
    'GET /api/packages/{package_id}': { params: { package_id: 'credits_100' } },
    'POST /api/packages/user/credits/deduct': { body: { amount: 1, reference_id: `${reference}-deduct` } },
    'POST /api/packages/user/credits/reservations': { body: { amount: 1, reference_id: `${reference}-reserve` } },
    'POST /api/packages/user/credits/reservations/{reservation_id}/commit': { params: { reservation_id: r.commit } },
    'POST /api/packages/user/credits/reservations/{reservation_id}/release': {
      params: { reservation_id: r.release },
    },
    'POST /api/packages/checkout': {
      body: { package_id: 'credits_100', success_url: 'http://app.test/ok', cancel_url: 'http://app.test/no' },
      headers: { 'x-forwarded-for': `198.51.100.${PRINCIPALS.indexOf(principal) + 1}` },
    },
    'GET /api/packages/checkout/{session_id}': { params: { session_id: r.session } },
    'POST /api/packages/webhook': { body: '{"id":"evt_matrix","type":"checkout.session.completed"}' },
    'POST /api/packages/user/subscription': { body: { action: 'cancel' } },
    'POST /api/packages/user/subscription/preview': { body: { action: 'change_plan', package_id: 'business_monthly' } },
    'POST /api/packages/user/addons': { body: { package_id: 'addon_storage' } },
    'DELETE /api/packages/user/addons/{package_id}': { params: { package_id: 'addon_storage' } },
    'POST /api/packages/billing-portal': { body: { return_url: 'http://app.test/account' } },
  };
  return { token: tokens[principal], ...parts[name] };
}

describe('access matrix', () => {
  it('covers every documented route', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(DOCUMENTED_ROUTES.map((r) => r.name).sort());
  });

  it.each(PRINCIPALS)('%s gets the exact status on every route', async (principal) => {
    const observed: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const { name, spec } of DOCUMENTED_ROUTES) {
      const res = await callRoute(spec, requestFor(name, principal));
      observed[name] = res.status;
      expected[name] = EXPECTED[name]![principal];
      const body = await res.text();
      if (res.status >= 400) {
        expect(JSON.parse(body), `${name}: ${body}`).toEqual({
          error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }),
        });
      }
      if (res.status !== expected[name]) console.info(`${principal} ${name}: ${res.status} ${body.slice(0, 200)}`);
    }
    expect(observed).toEqual(expected);
  });
});
