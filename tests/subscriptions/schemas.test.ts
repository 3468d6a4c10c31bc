import { describe, expect, it } from 'vitest';
import { presentPlanState } from '@/lib/subscriptions/present';
import {
  addonBody,
  addonParams,
  planStateSchema,
  portalBody,
  previewBody,
  previewSchema,
  subscriptionActionBody,
} from '@/lib/subscriptions/schemas';

/**
 * The request bodies the subscription routes accept, and the response shapes the OpenAPI document
 * publishes (planStateSchema, previewSchema): a real answer parses with them unchanged (zod strips
 * keys a schema does not know, so a key missing from the schema shows as a difference).
 */
const ok = (schema: { safeParse(v: unknown): { success: boolean } }, value: unknown) => schema.safeParse(value).success;

describe('request bodies', () => {
  it('addonBody and addonParams: a package id of 1 to 64 characters; the body takes no other key', () => {
    expect(addonBody.parse({ package_id: 'addon_storage' })).toEqual({ package_id: 'addon_storage' });
    expect(addonParams.parse({ package_id: 'addon_storage' })).toEqual({ package_id: 'addon_storage' });
    expect(ok(addonBody, { package_id: 'x'.repeat(64) })).toBe(true);
    expect(ok(addonBody, { package_id: 'x'.repeat(65) })).toBe(false);
    expect(ok(addonBody, { package_id: '' })).toBe(false);
    expect(ok(addonBody, {})).toBe(false);
    expect(ok(addonBody, { package_id: 'addon_storage', quantity: 5 })).toBe(false);
    expect(ok(addonParams, { package_id: '' })).toBe(false);
    expect(ok(addonParams, {})).toBe(false);
  });

  it('subscriptionActionBody: change_plan with a package id, cancel, resume; nothing else, no extra keys', () => {
    expect(subscriptionActionBody.parse({ action: 'change_plan', package_id: 'business_monthly' })).toEqual({
      action: 'change_plan',
      package_id: 'business_monthly',
    });
    expect(subscriptionActionBody.parse({ action: 'cancel' })).toEqual({ action: 'cancel' });
    expect(subscriptionActionBody.parse({ action: 'resume' })).toEqual({ action: 'resume' });
    expect(ok(subscriptionActionBody, { action: 'change_plan' })).toBe(false);
    expect(ok(subscriptionActionBody, { action: 'change_plan', package_id: '' })).toBe(false);
    expect(ok(subscriptionActionBody, { action: 'change_plan', package_id: 'x'.repeat(65) })).toBe(false);
    expect(ok(subscriptionActionBody, { action: 'change_plan', package_id: 'business_monthly', at: 'now' })).toBe(
      false,
    );
    expect(ok(subscriptionActionBody, { action: 'cancel', package_id: 'business_monthly' })).toBe(false);
    expect(ok(subscriptionActionBody, { action: 'resume', now: true })).toBe(false);
    expect(ok(subscriptionActionBody, { action: 'downgrade' })).toBe(false);
    expect(ok(subscriptionActionBody, {})).toBe(false);
  });

  it('portalBody: a return URL of at most 2048 characters, nothing else', () => {
    const url = 'http://app.test/account/billing';
    expect(portalBody.parse({ return_url: url })).toEqual({ return_url: url });
    expect(ok(portalBody, { return_url: `http://app.test/${'a'.repeat(2048 - 16)}` })).toBe(true);
    expect(ok(portalBody, { return_url: `http://app.test/${'a'.repeat(2048 - 15)}` })).toBe(false);
    expect(ok(portalBody, { return_url: '' })).toBe(false);
    expect(ok(portalBody, { return_url: url, extra: 1 })).toBe(false);
  });

  it('previewBody: change_plan, add_addon, remove_addon with a package id of 1 to 64 characters', () => {
    for (const action of ['change_plan', 'add_addon', 'remove_addon']) {
      expect(previewBody.parse({ action, package_id: 'p' })).toEqual({ action, package_id: 'p' });
      expect(ok(previewBody, { action, package_id: 'x'.repeat(64) })).toBe(true);
      expect(ok(previewBody, { action, package_id: 'x'.repeat(65) })).toBe(false);
      expect(ok(previewBody, { action, package_id: '' })).toBe(false);
      expect(ok(previewBody, { action })).toBe(false);
      expect(ok(previewBody, { action, package_id: 'p', extra: true })).toBe(false);
    }
    expect(ok(previewBody, { action: 'cancel' })).toBe(false);
  });
});

describe('response shapes', () => {
  it('planStateSchema describes a paid plan and Starter as presented, unchanged', () => {
    const paid = presentPlanState({
      packageId: 'business_annual',
      subscriptionId: 'm',
      stripeSubscriptionId: 'sub_1',
      status: 'trialing',
      currency: 'usd',
      currentPeriodStart: new Date('2031-01-01T00:00:00Z'),
      currentPeriodEnd: new Date('2032-01-01T00:00:00Z'),
      cancelAtPeriodEnd: true,
      trialEnd: new Date('2031-01-15T00:00:00Z'),
      unpaid: false,
      graceOver: false,
      subscribedPackageId: 'business_annual',
      addons: ['addon_storage'],
    });
    expect(planStateSchema.parse(paid)).toEqual(paid);
    const starter = {
      ...paid,
      package_id: 'starter',
      status: null,
      currency: null,
      current_period_start: null,
      current_period_end: null,
      cancel_at_period_end: false,
      trial_end: null,
      addons: [],
    };
    expect(planStateSchema.parse(starter)).toEqual(starter);
    expect(ok(planStateSchema, { ...paid, cancel_at_period_end: 'yes' })).toBe(false);
    expect(ok(planStateSchema, { ...paid, addons: [1] })).toBe(false);
    expect(ok(planStateSchema, { ...paid, package_id: null })).toBe(false);
  });

  it('previewSchema describes a preview with a credit and a charge line, and refuses fractions', () => {
    const preview = {
      action: 'change_plan',
      package_id: 'business_monthly',
      currency: 'usd',
      total: -250,
      amount_due: 0,
      effective_at: '2031-01-01T00:00:00.000Z',
      lines: [
        { description: 'Unused time on Professional', amount: -500, proration: true },
        { description: 'Remaining time on Business', amount: 250, proration: true },
      ],
    };
    expect(previewSchema.parse(preview)).toEqual(preview);
    for (const action of ['add_addon', 'remove_addon'])
      expect(previewSchema.parse({ ...preview, action })).toEqual({ ...preview, action });
    expect(ok(previewSchema, { ...preview, action: 'cancel' })).toBe(false);
    expect(ok(previewSchema, { ...preview, total: 1.5 })).toBe(false);
    expect(ok(previewSchema, { ...preview, amount_due: 0.5 })).toBe(false);
    expect(ok(previewSchema, { ...preview, lines: [{ description: 'x', amount: 1.5, proration: false }] })).toBe(false);
    expect(ok(previewSchema, { ...preview, lines: [{ description: 'x', amount: 1, proration: 'no' }] })).toBe(false);
  });
});
