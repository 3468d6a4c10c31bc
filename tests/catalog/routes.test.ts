import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { stripeProducts, teams } from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { invalidateCatalogCache } from '@/lib/catalog';
import { PACKAGES } from '@/lib/catalog/packages';
import { GET as listAll } from '@/app/api/packages/route';
import { GET as listPlans } from '@/app/api/packages/subscriptions/route';
import { GET as listAddons } from '@/app/api/packages/addons/route';
import { GET as listPacks } from '@/app/api/packages/credits/route';
import { GET as getOne } from '@/app/api/packages/[package_id]/route';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { apiRequest, createUserWithToken, installTestContext, routeParams, type TestUser } from '../helpers/app';

let t: TestDatabase;
let user: TestUser;
type Pkg = {
  id: string;
  package_type: string;
  prices: { amount: number; currency: string; team_currency: boolean }[];
  credits: number | null;
  validity_days: number | null;
};

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t);
  await upsertCatalogRows(t.db, PACKAGES);
  user = await createUserWithToken(t.db);
});
afterAll(async () => {
  await t?.close();
});

describe('catalog routes', () => {
  it('GET /api/packages lists every package from the database', async () => {
    const res = await listAll(apiRequest('/api/packages/', { token: user.token }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Pkg[];
    expect(body.map((p) => p.id).sort()).toEqual(PACKAGES.map((p) => p.id).sort());
  });

  it('filters by package_type and rejects unknown types with 400 naming the field', async () => {
    const res = await listAll(apiRequest('/api/packages/?package_type=credit_pack', { token: user.token }));
    expect(((await res.json()) as Pkg[]).map((p) => p.id)).toEqual(['credits_50', 'credits_100', 'credits_250']);
    const bad = await listAll(apiRequest('/api/packages/?package_type=bogus', { token: user.token }));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string; message: string } }).error.message).toMatch(/^package_type/);
  });

  it('serves plans, add-ons and credit packs on their own routes', async () => {
    const ids = async (res: Response) => ((await res.json()) as Pkg[]).map((p) => p.id);
    expect(await ids(await listPlans(apiRequest('/api/packages/subscriptions', { token: user.token })))).toEqual([
      'starter',
      'professional_monthly',
      'professional_annual',
      'business_monthly',
      'business_annual',
    ]);
    expect(await ids(await listAddons(apiRequest('/api/packages/addons', { token: user.token })))).toEqual([
      'addon_storage',
      'addon_priority_support',
      'addon_integrations',
    ]);
    const packs = (await (await listPacks(apiRequest('/api/packages/credits', { token: user.token }))).json()) as Pkg[];
    expect(packs.map((p) => [p.id, p.credits, p.validity_days])).toEqual([
      ['credits_50', 50, 90],
      ['credits_100', 100, 90],
      ['credits_250', 250, 120],
    ]);
  });

  it('GET /api/packages/{id} returns one package with prices in every currency, marking the team currency', async () => {
    await t.db.update(teams).set({ billingCurrency: 'gbp' }).where(eq(teams.id, user.teamId));
    const res = await getOne(
      apiRequest('/api/packages/professional_annual', { token: user.token }),
      routeParams({ package_id: 'professional_annual' }),
    );
    expect(res.status).toBe(200);
    const pkg = (await res.json()) as Pkg;
    expect(pkg.prices).toEqual([
      { amount: 10000, currency: 'usd', interval: 'year', team_currency: false },
      { amount: 8000, currency: 'gbp', interval: 'year', team_currency: true },
    ]);
  });

  it('answers 404 for an unknown or inactive package', async () => {
    const unknown = await getOne(
      apiRequest('/api/packages/nope', { token: user.token }),
      routeParams({ package_id: 'nope' }),
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { code: 'package_not_found', message: "Package 'nope' does not exist or is not available" },
    });
    await t.db
      .update(stripeProducts)
      .set({ active: false, updatedAt: new Date(Date.now() + 1000) })
      .where(eq(stripeProducts.id, 'credits_100'));
    invalidateCatalogCache();
    const inactive = await getOne(
      apiRequest('/api/packages/credits_100', { token: user.token }),
      routeParams({ package_id: 'credits_100' }),
    );
    expect(inactive.status).toBe(404);
    await t.db.update(stripeProducts).set({ active: true }).where(eq(stripeProducts.id, 'credits_100'));
    invalidateCatalogCache();
  });

  it('answers 401 with a JSON error without credentials, and for a bad token', async () => {
    for (const token of [undefined, 'afk_not-a-real-token']) {
      const res = await listAll(apiRequest('/api/packages/', { token }));
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    }
  });
});
