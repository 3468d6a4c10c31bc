import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as entitlementsRoute } from '@/app/api/packages/user/entitlements/route';
import { POST as deductRoute } from '@/app/api/packages/user/credits/deduct/route';
import { apiTokens, subscriptions } from '@/db/schema';
import { setSessionResolver } from '@/lib/api/credentials';
import { createUser } from '@/lib/accounts';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import type { PageUser } from '@/lib/auth/session';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { apiRequest, installTestContext } from '../helpers/app';
import { putTeamOnPlan } from '../credits/helpers';

const acting = vi.hoisted(() => ({ user: null as PageUser | null }));
vi.mock('@/lib/auth/session', () => ({
  requireUser: async () => {
    if (!acting.user) throw new Error('no acting user');
    return acting.user;
  },
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const run = promisify(execFile);
let t: TestDatabase;
let sessionUser: string | null = null;
const periodStart = new Date('2026-11-01T00:00:00Z');
const periodEnd = new Date('2026-12-01T00:00:00Z');

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t);
  await upsertCatalogRows(t.db, PACKAGES);
  setSessionResolver(async () => sessionUser);
});
afterAll(async () => {
  await t?.close();
});

async function owner(email: string, plan?: string) {
  const user = await createUser(t.db, { email, password: 'correct-horse-42' });
  if (plan) await putTeamOnPlan(t.db, user.teamId, plan, periodStart, periodEnd);
  acting.user = {
    id: user.id,
    email,
    name: null,
    isPlatformAdmin: false,
    emailVerified: new Date(0),
    team: { id: user.teamId, name: `${email}'s team`, role: 'owner', billingCurrency: null },
  };
  return user;
}

async function createTokenThroughThePage(name: string) {
  const { createTokenAction } = await import('@/lib/tokens/actions');
  const form = new FormData();
  form.set('name', name);
  return createTokenAction({ token: null, error: null }, form);
}

const entitlementsWith = (token: string) => entitlementsRoute(apiRequest('/api/packages/user/entitlements', { token }));

describe('API tokens need the api_access entitlement (Business, Enterprise)', () => {
  it.each([
    ['Starter', undefined],
    ['Professional', 'professional_monthly'],
  ])('a %s team cannot create a token, and is told to upgrade to Business', async (_plan, packageId) => {
    const user = await owner(`no-api-${packageId ?? 'starter'}@example.com`, packageId);
    const state = await createTokenThroughThePage('ci');
    expect(state.token).toBeNull();
    expect(state.error).toMatch(/Upgrade to Business/);
    expect(state.error).toContain(packageId ?? 'starter');
    expect(await t.db.select().from(apiTokens).where(eq(apiTokens.userId, user.id))).toHaveLength(0);
  });

  it('a Business team creates a user token and uses it', async () => {
    await owner('business@example.com', 'business_monthly');
    const state = await createTokenThroughThePage('ci');
    expect(state.error).toBeNull();
    const res = await entitlementsWith(state.token!);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { features: { api_access: boolean } }).features.api_access).toBe(true);
    const [row] = await t.db.select({ kind: apiTokens.kind }).from(apiTokens).where(eq(apiTokens.name, 'ci'));
    expect(row?.kind).toBe('user');
  });

  it('an existing token answers 403 naming the plan once its team loses API access', async () => {
    const user = await owner('downgraded@example.com', 'business_annual');
    const { token } = await createTokenThroughThePage('integration');
    expect((await entitlementsWith(token!)).status).toBe(200);

    await t.db.update(subscriptions).set({ status: 'canceled' }).where(eq(subscriptions.teamId, user.teamId));
    for (const res of [
      await entitlementsWith(token!),
      await deductRoute(apiRequest('/x', { token: token!, body: { amount: 1, reference_id: 'after-downgrade' } })),
    ]) {
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({
        error: {
          code: 'plan_upgrade_required',
          message: expect.stringMatching(/this team is on starter\. Upgrade to Business/),
          details: { feature: 'api_access', plan: 'starter', upgrade_to: 'Business' },
        },
      });
    }
    // Nothing was spent by the refused call.
    expect(await t.sql`SELECT 1 FROM credit_ledger WHERE reference_id = 'after-downgrade'`).toHaveLength(0);

    // The same user in the browser (session cookie) is not an API client and keeps working.
    sessionUser = user.id;
    try {
      expect((await entitlementsRoute(apiRequest('/api/packages/user/entitlements'))).status).toBe(200);
    } finally {
      sessionUser = null;
    }
    // Back on Business, the same token works again.
    await t.db.update(subscriptions).set({ status: 'active' }).where(eq(subscriptions.teamId, user.teamId));
    expect((await entitlementsWith(token!)).status).toBe(200);
  });

  it('a service token from the operator CLI works for a Starter team', async () => {
    const user = await owner('platform-service@example.com');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/cli.ts', 'token:create', '--email', 'platform-service@example.com'],
      { env: { ...process.env, DATABASE_URL: t.url }, timeout: 60_000 },
    );
    const token = stdout.trim();
    const res = await entitlementsWith(token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { plan: string }).plan).toBe('starter');
    const [row] = await t.db.select({ kind: apiTokens.kind }).from(apiTokens).where(eq(apiTokens.userId, user.id));
    expect(row?.kind).toBe('service');
  });
});
