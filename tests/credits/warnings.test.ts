import { describe, expect, it } from 'vitest';
import type { CreditGrant } from '@/lib/credits/grants';
import { warningsAmong } from '@/lib/credits/warnings';

/** warningsAmong on its own (no database): which grants count, and the thresholds' exact edges. */
const DAY = 86_400_000;
const now = new Date('2027-02-10T12:00:00Z');
const periodStart = new Date('2027-02-01T00:00:00Z');
const monthEnd = new Date('2027-03-01T00:00:00Z');

function grant(overrides: Partial<CreditGrant>): CreditGrant {
  return {
    id: 'g',
    teamId: 'team',
    userId: null,
    creditType: 'ai_stories',
    source: 'plan_allowance',
    sourceRef: null,
    businessKey: 'key',
    packageId: 'starter',
    amount: 25,
    remaining: 25,
    priority: false,
    refundOwed: 0,
    refundVoided: 0,
    disputeHeld: 0,
    disputedAt: null,
    periodStart,
    expiresAt: monthEnd,
    voidedAt: null,
    createdAt: periodStart,
    ...overrides,
  };
}
const allowance = (remaining: number, overrides: Partial<CreditGrant> = {}) =>
  grant({ id: `a-${remaining}`, remaining, ...overrides });
const pack = (remaining: number, expiresAt: Date, overrides: Partial<CreditGrant> = {}) =>
  grant({
    id: `pack-${remaining}`,
    source: 'credit_pack',
    packageId: 'credits_50',
    amount: 50,
    remaining,
    periodStart: null,
    expiresAt,
    ...overrides,
  });

describe('warningsAmong: the allowance below 20%', () => {
  it('warns below 20% of the allowance, not at exactly 20%', () => {
    expect(warningsAmong([allowance(5)], now)).toEqual([]);
    expect(warningsAmong([allowance(4)], now)).toEqual([
      {
        key: 'allowance-below-20:2027-02-01T00:00:00.000Z',
        kind: 'allowance_low',
        message: "Only 4 of this month's 25 AI stories are left",
      },
    ]);
  });

  it('sums every live allowance grant of the window, and what was spent from voided ones', () => {
    // 2 + 2 left of 25 + 5 granted: 4 of 30 is below 20% (6).
    const two = [allowance(2), allowance(2, { id: 'top-up', amount: 5 })];
    expect(warningsAmong(two, now).map((w) => w.message)).toEqual(["Only 4 of this month's 30 AI stories are left"]);
    // 6 of 30 is exactly 20%: no warning; 6 of 30 + 10 spent elsewhere (40) is below 20% (8).
    expect(warningsAmong([allowance(3), allowance(3, { id: 'top-up', amount: 5 })], now)).toEqual([]);
    expect(warningsAmong([allowance(3), allowance(3, { id: 'top-up', amount: 5 })], now, 10)).toEqual([
      expect.objectContaining({ message: "Only 6 of this month's 40 AI stories are left" }),
    ]);
  });

  it('spending elsewhere alone, without a live allowance grant, warns of nothing', () => {
    expect(warningsAmong([], now, 50)).toEqual([]);
    expect(warningsAmong([pack(40, new Date(now.getTime() + 30 * DAY))], now, 50)).toEqual([]);
  });

  it('an allowance of nothing (amount 0) warns of nothing', () => {
    expect(warningsAmong([allowance(0, { amount: 0 })], now)).toEqual([]);
  });

  it('ignores voided and expired allowance grants, and packs', () => {
    expect(warningsAmong([allowance(0, { voidedAt: periodStart })], now)).toEqual([]);
    expect(warningsAmong([allowance(0, { expiresAt: now })], now)).toEqual([]);
    expect(warningsAmong([allowance(0, { expiresAt: null })], now)).toEqual([]);
    // A nearly empty pack is not an allowance.
    expect(warningsAmong([pack(1, new Date(now.getTime() + 30 * DAY))], now)).toEqual([]);
    // A live allowance with a voided one beside it: only the live one counts (24 of 25, no warning).
    expect(warningsAmong([allowance(24), allowance(0, { id: 'old', voidedAt: periodStart })], now)).toEqual([]);
  });

  it('an allowance grant without a period start is keyed without one', () => {
    expect(warningsAmong([allowance(1, { periodStart: null })], now).map((w) => w.key)).toEqual([
      'allowance-below-20:',
    ]);
  });
});

describe('warningsAmong: a pack within 7 days of expiry', () => {
  it('warns from exactly 7 days before expiry, not a millisecond earlier', () => {
    const inSevenDays = new Date(now.getTime() + 7 * DAY);
    expect(warningsAmong([pack(12, inSevenDays)], now)).toEqual([
      {
        key: 'pack-expiring:pack-12',
        kind: 'pack_expiring',
        message: '12 credits from credits_50 expire on 2027-02-17',
      },
    ]);
    expect(warningsAmong([pack(12, new Date(inSevenDays.getTime() + 1))], now)).toEqual([]);
  });

  it('names "a pack" when the grant has no package, and warns once per pack', () => {
    const soon = new Date(now.getTime() + DAY);
    const warnings = warningsAmong(
      [pack(3, soon, { id: 'p1', packageId: null }), pack(4, soon, { id: 'p2', packageId: 'credits_100' })],
      now,
    );
    expect(warnings.map((w) => [w.key, w.message])).toEqual([
      ['pack-expiring:p1', '3 credits from a pack expire on 2027-02-11'],
      ['pack-expiring:p2', '4 credits from credits_100 expire on 2027-02-11'],
    ]);
  });

  it('not for an empty, voided or expired pack, nor for an adjustment', () => {
    const soon = new Date(now.getTime() + DAY);
    expect(warningsAmong([pack(0, soon)], now)).toEqual([]);
    expect(warningsAmong([pack(5, soon, { voidedAt: periodStart })], now)).toEqual([]);
    expect(warningsAmong([pack(5, now)], now)).toEqual([]);
    expect(warningsAmong([pack(5, soon, { source: 'adjustment' })], now)).toEqual([]);
  });

  it('both warnings at once, the allowance first', () => {
    const soon = new Date(now.getTime() + DAY);
    expect(warningsAmong([pack(5, soon), allowance(1)], now).map((w) => w.kind)).toEqual([
      'allowance_low',
      'pack_expiring',
    ]);
  });
});
