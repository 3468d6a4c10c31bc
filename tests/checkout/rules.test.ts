import { describe, expect, it } from 'vitest';
import type { CatalogRow } from '@/lib/catalog/queries';
import { checkoutCurrency, checkoutIdempotencyKey, checkoutModeFor, RETRY_WINDOW_MS } from '@/lib/checkout/rules';

function row(overrides: Partial<CatalogRow>): CatalogRow {
  return {
    id: 'credits_100',
    packageType: 'credit_pack',
    name: '100 AI Story Credits',
    description: '',
    features: [],
    limits: null,
    credits: 100,
    validityDays: 90,
    interval: null,
    currency: 'gbp',
    amount: 900,
    prices: { gbp: 900, usd: 1100 },
    stripeProductId: 'prod_1',
    stripePriceId: 'price_1',
    lookupKey: 'credits_100',
    active: true,
    sortOrder: 0,
    updatedAt: new Date(0),
    ...overrides,
  };
}

describe('checkoutModeFor', () => {
  it('sells packs by payment and plans by subscription', () => {
    expect(checkoutModeFor(row({}), undefined)).toBe('payment');
    expect(checkoutModeFor(row({ id: 'professional_monthly', packageType: 'subscription' }), 14)).toBe('subscription');
  });

  it.each([
    [{ packageType: 'enterprise' as const }, 'contact_sales'],
    [{ packageType: 'addon' as const }, 'use_addons_endpoint'],
    [{ packageType: 'subscription' as const, amount: 0 }, 'free_plan'],
    [{ stripePriceId: null }, 'package_not_synced'],
  ])('refuses %o with %s', (overrides, code) => {
    expect(() => checkoutModeFor(row(overrides), undefined)).toThrow(expect.objectContaining({ code }));
  });

  it('refuses a trial on a pack', () => {
    expect(() => checkoutModeFor(row({}), 14)).toThrow(/only subscription plans have trials/);
  });
});

describe('checkoutCurrency', () => {
  it("uses the team's fixed currency, then the request's, then the package's", () => {
    expect(checkoutCurrency(row({}), undefined, 'usd')).toBe('usd');
    expect(checkoutCurrency(row({}), 'usd', null)).toBe('usd');
    expect(checkoutCurrency(row({}), undefined, null)).toBe('gbp');
  });

  it('refuses a currency other than the team keeps, or one the package is not offered in', () => {
    expect(() => checkoutCurrency(row({}), 'gbp', 'usd')).toThrow(expect.objectContaining({ code: 'currency_fixed' }));
    expect(() => checkoutCurrency(row({ prices: { gbp: 900 } }), 'usd', null)).toThrow(/not offered in USD/);
  });
});

describe('checkoutIdempotencyKey', () => {
  const base = {
    teamId: 't',
    userId: 'u',
    packageId: 'credits_100',
    currency: 'gbp' as const,
    trialDays: undefined,
    successUrl: 'https://app/s',
    cancelUrl: 'https://app/c',
    clientKey: undefined,
    nowMs: 10 * RETRY_WINDOW_MS,
  };

  it('is the same within the retry window and new after it', () => {
    expect(checkoutIdempotencyKey({ ...base, nowMs: base.nowMs + RETRY_WINDOW_MS - 1 })).toBe(
      checkoutIdempotencyKey(base),
    );
    expect(checkoutIdempotencyKey({ ...base, nowMs: base.nowMs + RETRY_WINDOW_MS })).not.toBe(
      checkoutIdempotencyKey(base),
    );
  });

  it("follows the client's key across windows, and differs per request field", () => {
    const a = checkoutIdempotencyKey({ ...base, clientKey: 'k1' });
    expect(checkoutIdempotencyKey({ ...base, clientKey: 'k1', nowMs: base.nowMs * 3 })).toBe(a);
    expect(checkoutIdempotencyKey({ ...base, clientKey: 'k2' })).not.toBe(a);
    expect(checkoutIdempotencyKey({ ...base, packageId: 'credits_50' })).not.toBe(checkoutIdempotencyKey(base));
    expect(checkoutIdempotencyKey({ ...base, trialDays: 14 })).not.toBe(checkoutIdempotencyKey(base));
  });
});

describe('checkout refusals say what to do', () => {
  it('names the way to each thing checkout does not sell', () => {
    expect(() => checkoutModeFor(row({ packageType: 'enterprise' }), undefined)).toThrow(
      expect.objectContaining({
        status: 409,
        message: 'Enterprise is sold by our sales team; contact sales to get a quote',
        details: { contact_sales: 'mailto:sales@agileforge.example?subject=Enterprise%20plan' },
      }),
    );
    expect(() => checkoutModeFor(row({ packageType: 'addon' }), undefined)).toThrow(
      'Add-ons attach to your plan: POST /api/packages/user/addons',
    );
    expect(() => checkoutModeFor(row({ packageType: 'subscription', amount: null }), undefined)).toThrow(
      'Starter is free: every team has it without checkout',
    );
    expect(() => checkoutModeFor(row({ stripePriceId: null }), undefined)).toThrow(
      "Package 'credits_100' is not set up for sale yet (run npm run init:packages)",
    );
  });

  it('calls an unsynced paid plan unsynced, not free, and a pack without an amount unsynced', () => {
    const plan = { id: 'professional_monthly', packageType: 'subscription' as const };
    expect(() => checkoutModeFor(row({ ...plan, stripePriceId: null }), undefined)).toThrow(
      expect.objectContaining({ code: 'package_not_synced' }),
    );
    expect(() => checkoutModeFor(row({ amount: 0 }), undefined)).toThrow(
      expect.objectContaining({ code: 'package_not_synced' }),
    );
    expect(() => checkoutModeFor(row({ amount: null }), undefined)).toThrow(
      expect.objectContaining({ code: 'package_not_synced' }),
    );
  });

  it("accepts a request in the team's own currency, and names both currencies in upper case", () => {
    expect(checkoutCurrency(row({}), 'usd', 'usd')).toBe('usd');
    expect(checkoutCurrency(row({}), 'gbp', null)).toBe('gbp');
    expect(() => checkoutCurrency(row({}), 'gbp', 'usd')).toThrow(
      expect.objectContaining({ status: 409, message: 'Your team is billed in USD; a team keeps one currency' }),
    );
    expect(() => checkoutCurrency(row({ prices: { gbp: 900 } }), undefined, 'usd')).toThrow(
      expect.objectContaining({ status: 400, message: 'currency: credits_100 is not offered in USD' }),
    );
  });
});

describe('checkoutIdempotencyKey format', () => {
  it('is a sha-256 hex digest prefixed with checkout-', () => {
    const key = checkoutIdempotencyKey({
      teamId: 't',
      userId: 'u',
      packageId: 'credits_100',
      currency: 'gbp',
      trialDays: undefined,
      successUrl: 'https://app/s',
      cancelUrl: 'https://app/c',
      clientKey: 'k',
      nowMs: 0,
    });
    expect(key).toMatch(/^checkout-[0-9a-f]{64}$/);
  });
});
