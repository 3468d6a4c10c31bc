import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { startStripeEmulator, type StripeEmulator } from '@/stripe-emulator/server';
import { stripeProducts } from '@/db/schema';
import { initPackages } from '@/lib/catalog/init-packages';
import { PACKAGES, type PackageDefinition } from '@/lib/catalog/packages';
import { createLogger } from '@/lib/logger';
import { createStripeClient } from '@/lib/stripe/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
let emulator: StripeEmulator;
const logger = createLogger({ level: 'silent' });
const stripe = () =>
  createStripeClient(
    { kind: 'emulator', apiBase: emulator.url, secretKey: 'sk_test_emulator' },
    { maxNetworkRetries: 0 },
  );

beforeAll(async () => {
  [t, emulator] = await Promise.all([createTestDatabase(), startStripeEmulator({ port: 0 })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), emulator?.close()]);
});

describe('init:packages', () => {
  it('creates every paid package in Stripe with USD and GBP prices and records the ids', async () => {
    const report = await initPackages({ db: t.db, stripe: stripe(), logger });
    const paid = PACKAGES.filter((p) => p.amount);
    expect(report.productsCreated).toBe(paid.length);
    expect(report.pricesCreated).toBe(paid.length);

    const [pack] = await t.db.select().from(stripeProducts).where(eq(stripeProducts.id, 'credits_250'));
    expect(pack).toMatchObject({
      amount: 2000,
      currency: 'gbp',
      credits: 250,
      validityDays: 120,
      stripeProductId: 'af_credits_250',
      lookupKey: 'credits_250',
    });
    const price = await stripe().prices.retrieve(pack!.stripePriceId!, { expand: ['currency_options'] });
    expect(price.unit_amount).toBe(2000);
    expect(price.currency_options?.usd?.unit_amount).toBe(2500);

    const annual = await stripe().prices.list({ lookup_keys: ['business_annual'], expand: ['data.currency_options'] });
    expect(annual.data[0]).toMatchObject({ unit_amount: 18000, currency: 'usd', recurring: { interval: 'year' } });
    expect((await t.db.select().from(stripeProducts)).length).toBe(PACKAGES.length);
  });

  it('is idempotent: a second run creates nothing', async () => {
    const before = await t.db.select().from(stripeProducts);
    const report = await initPackages({ db: t.db, stripe: stripe(), logger });
    expect(report).toMatchObject({ productsCreated: 0, pricesCreated: 0, pricesArchived: 0 });
    const after = await t.db.select().from(stripeProducts);
    expect(after.map((r) => r.stripePriceId).sort()).toEqual(before.map((r) => r.stripePriceId).sort());
  });

  it('archives the old price and moves the lookup key when an amount changes', async () => {
    const changed: PackageDefinition[] = PACKAGES.map((p) =>
      p.id === 'credits_50' ? { ...p, amount: 550, prices: { ...p.prices, gbp: 550 } } : p,
    );
    const [old] = await t.db.select().from(stripeProducts).where(eq(stripeProducts.id, 'credits_50'));
    const report = await initPackages({ db: t.db, stripe: stripe(), logger }, changed);
    expect(report).toMatchObject({ productsCreated: 0, pricesCreated: 1, pricesArchived: 1 });

    const oldPrice = await stripe().prices.retrieve(old!.stripePriceId!);
    expect(oldPrice.active).toBe(false);
    const [row] = await t.db.select().from(stripeProducts).where(eq(stripeProducts.id, 'credits_50'));
    expect(row!.stripePriceId).not.toBe(old!.stripePriceId);
    expect(row!.amount).toBe(550);
    const byKey = await stripe().prices.list({ lookup_keys: ['credits_50'] });
    expect(byKey.data.map((p) => p.id)).toEqual([row!.stripePriceId]);
  });

  it('logs "Created Stripe product" for each product it creates', async () => {
    const lines: string[] = [];
    const capture = createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } });
    const fresh = await startStripeEmulator({ port: 0 });
    try {
      await initPackages({
        db: t.db,
        stripe: createStripeClient({ kind: 'emulator', apiBase: fresh.url, secretKey: 'sk_test_emulator' }),
        logger: capture,
      });
    } finally {
      await fresh.close();
    }
    const created = lines
      .map((l) => JSON.parse(l) as { msg: string; packageId?: string })
      .filter((l) => l.msg === 'Created Stripe product');
    expect(created.map((l) => l.packageId).sort()).toEqual(
      PACKAGES.filter((p) => p.amount)
        .map((p) => p.id)
        .sort(),
    );
  });
});
