import { describe, expect, it } from 'vitest';
import {
  ALLOWANCE_WARNING_RATIO,
  allocate,
  allowancePeriod,
  allowancePolicy,
  allowanceTopUp,
  CREDIT_TYPES,
  isSpendable,
  overlapsWindow,
  PACK_EXPIRY_WARNING_MS,
  pastDueGraceOver,
  refundedCredits,
  RESERVATION_TTL_MS,
  spendingOrder,
  type SpendableGrant,
} from '@/lib/credits/rules';

describe('refundedCredits', () => {
  it.each([
    [50, 200, 500, 20], // £2 of £5
    [100, 100, 900, 12], // £1 of £9: 11.1, rounded up
    [250, 2000, 2000, 250], // full
    [250, 2500, 2000, 250], // more than paid is still all
    [50, 0, 500, 0],
    [50, 1, 500, 1],
    [50, 100, 0, 50], // a free pack refunded: all
    [50, 0, 0, 50], // a free pack: nothing paid is nothing kept, whatever the refund
  ])('%i credits, %i of %i refunded: %i back', (credits, refunded, paid, expected) => {
    expect(refundedCredits(credits, { refunded, paid })).toBe(expected);
  });
});

describe('allowance windows', () => {
  const anchor = new Date('2027-01-31T10:00:00Z');
  it.each([
    ['2027-02-28T09:59:59Z', '2027-01-31T10:00:00Z', '2027-02-28T10:00:00Z'],
    ['2027-03-30T00:00:00Z', '2027-02-28T10:00:00Z', '2027-03-31T10:00:00Z'],
    ['2027-05-30T12:00:00Z', '2027-04-30T10:00:00Z', '2027-05-31T10:00:00Z'], // never May 30: counted from the anchor
    ['2028-02-29T10:00:00Z', '2028-02-29T10:00:00Z', '2028-03-31T10:00:00Z'],
  ])('at %s: %s to %s', (now, start, end) => {
    expect(allowancePeriod(new Date(now), anchor)).toEqual({ start: new Date(start), end: new Date(end) });
  });

  it('overlap: Starter calendar month overlaps the first anchored window, the previous window does not', () => {
    const w = allowancePeriod(new Date('2027-02-10T00:00:00Z'), anchor);
    expect(overlapsWindow({ start: new Date('2027-01-01T00:00:00Z'), end: new Date('2027-02-01T00:00:00Z') }, w)).toBe(
      true,
    );
    const next = allowancePeriod(new Date('2027-03-01T00:00:00Z'), anchor);
    expect(overlapsWindow({ start: w.start, end: w.end }, next)).toBe(false);
  });

  it('top-up: the entitlement less what live grants gave and what was spent from voided ones', () => {
    expect(allowanceTopUp({ entitlement: 200, granted: 0, spentElsewhere: 150 })).toBe(50);
    expect(allowanceTopUp({ entitlement: 25, granted: 0, spentElsewhere: 120 })).toBe(0);
    expect(allowanceTopUp({ entitlement: 600, granted: 400, spentElsewhere: 0 })).toBe(200);
  });

  it('past-due grace ends after the configured days', () => {
    const since = new Date('2027-02-28T10:00:00Z');
    expect(pastDueGraceOver(since, new Date('2027-03-07T09:59:59Z'), 7)).toBe(false);
    expect(pastDueGraceOver(since, new Date('2027-03-07T10:00:00Z'), 7)).toBe(true);
    expect(pastDueGraceOver(null, new Date('2030-01-01T00:00:00Z'), 7)).toBe(false);
  });
});

// Boundaries the mutation run (tests/MUTANTS.md) showed no test pinned down.
describe('allowancePolicy', () => {
  it.each([
    ['starter', { unlimited: false, amount: 25, perMember: false }],
    ['professional_monthly', { unlimited: false, amount: 200, perMember: true }],
    ['business_annual', { unlimited: true, amount: 0, perMember: false }],
    // No limits of its own (enterprise) or no such package: Starter's.
    ['enterprise', { unlimited: false, amount: 25, perMember: false }],
    ['no_such_plan', { unlimited: false, amount: 25, perMember: false }],
  ])('%s', (packageId, expected) => {
    expect(allowancePolicy(packageId)).toEqual(expected);
  });
});

describe('allowancePeriod edges', () => {
  it('without an anchor: the calendar month, from its first millisecond', () => {
    expect(allowancePeriod(new Date('2027-03-01T00:00:00Z'), null)).toEqual({
      start: new Date('2027-03-01T00:00:00Z'),
      end: new Date('2027-04-01T00:00:00Z'),
    });
  });

  it('with an anchor: the window starts exactly at the anchored instant, not a millisecond later', () => {
    const anchor = new Date('2027-01-15T08:30:00Z');
    expect(allowancePeriod(new Date('2027-02-15T08:30:00Z'), anchor)).toEqual({
      start: new Date('2027-02-15T08:30:00Z'),
      end: new Date('2027-03-15T08:30:00Z'),
    });
    expect(allowancePeriod(new Date('2027-02-15T08:29:59.999Z'), anchor)).toEqual({
      start: new Date('2027-01-15T08:30:00Z'),
      end: new Date('2027-02-15T08:30:00Z'),
    });
  });

  it('with an anchor in the future (a clock before the first payment): the first window', () => {
    const anchor = new Date('2027-05-20T00:00:00Z');
    expect(allowancePeriod(new Date('2027-03-02T00:00:00Z'), anchor)).toEqual({
      start: new Date('2027-05-20T00:00:00Z'),
      end: new Date('2027-06-20T00:00:00Z'),
    });
  });

  it('counts months across years from the anchor', () => {
    const anchor = new Date('2026-11-30T00:00:00Z');
    expect(allowancePeriod(new Date('2027-02-28T12:00:00Z'), anchor)).toEqual({
      start: new Date('2027-02-28T00:00:00Z'),
      end: new Date('2027-03-30T00:00:00Z'),
    });
  });
});

describe('overlapsWindow boundaries', () => {
  const w = { start: new Date('2027-02-01T00:00:00Z'), end: new Date('2027-03-01T00:00:00Z') };
  it.each([
    ['ends where the window starts', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00Z', false],
    ['ends a millisecond into the window', '2027-01-01T00:00:00Z', '2027-02-01T00:00:00.001Z', true],
    ['starts where the window ends', '2027-03-01T00:00:00Z', '2027-04-01T00:00:00Z', false],
    ['starts a millisecond before the window ends', '2027-02-28T23:59:59.999Z', '2027-04-01T00:00:00Z', true],
    ['never ends, started before', '2026-01-01T00:00:00Z', null, true],
    ['never ends, starts after', '2027-03-02T00:00:00Z', null, false],
  ])('a grant that %s', (_, start, end, expected) => {
    expect(overlapsWindow({ start: new Date(start), end: end === null ? null : new Date(end) }, w)).toBe(expected);
  });
});

describe('spending order and allocation', () => {
  const at = (iso: string) => new Date(iso);
  const g = (
    id: string,
    source: SpendableGrant['source'],
    remaining: number,
    expiresAt: string | null,
    createdAt: string,
  ): SpendableGrant => ({
    id,
    source,
    remaining,
    expiresAt: expiresAt ? at(expiresAt) : null,
    createdAt: at(createdAt),
  });

  const allowance = g('allowance', 'plan_allowance', 5, '2027-03-01T00:00:00Z', '2027-02-01T00:00:00Z');
  const late = g('late', 'credit_pack', 10, '2027-06-01T00:00:00Z', '2027-01-01T00:00:00Z');
  const soonOld = g('soon-old', 'credit_pack', 10, '2027-04-01T00:00:00Z', '2027-01-01T00:00:00Z');
  const soonNew = g('soon-new', 'adjustment', 10, '2027-04-01T00:00:00Z', '2027-01-02T00:00:00Z');
  const never = g('never', 'adjustment', 10, null, '2026-01-01T00:00:00Z');

  it('allowance first, then soonest expiry, then oldest; grants that never expire last', () => {
    expect(spendingOrder([never, late, soonNew, allowance, soonOld]).map((x) => x.id)).toEqual([
      'allowance',
      'soon-old',
      'soon-new',
      'late',
      'never',
    ]);
    expect(spendingOrder([soonNew, soonOld]).map((x) => x.id)).toEqual(['soon-old', 'soon-new']);
    expect(spendingOrder([soonOld, soonNew]).map((x) => x.id)).toEqual(['soon-old', 'soon-new']);
    expect(spendingOrder([never, late]).map((x) => x.id)).toEqual(['late', 'never']);
    expect(spendingOrder([late, never]).map((x) => x.id)).toEqual(['late', 'never']);
    // The allowance goes first even when it expires after a pack.
    const lateAllowance = { ...allowance, expiresAt: at('2028-01-01T00:00:00Z') };
    expect(spendingOrder([soonOld, lateAllowance]).map((x) => x.id)).toEqual(['allowance', 'soon-old']);
  });

  it('does not reorder its input', () => {
    const input = [never, allowance];
    spendingOrder(input);
    expect(input.map((x) => x.id)).toEqual(['never', 'allowance']);
  });

  it('takes from each grant in order only what is needed, skipping empty ones', () => {
    const empty = { ...soonOld, id: 'empty', remaining: 0 };
    expect(allocate([late, empty, allowance], 12)!.map((p) => [p.grant.id, p.take])).toEqual([
      ['allowance', 5],
      ['late', 7],
    ]);
    expect(allocate([late, allowance], 5)!.map((p) => [p.grant.id, p.take])).toEqual([['allowance', 5]]);
    expect(allocate([late, allowance], 15)!.map((p) => [p.grant.id, p.take])).toEqual([
      ['allowance', 5],
      ['late', 10],
    ]);
  });

  it('refuses (null) when the grants hold too little', () => {
    expect(allocate([late, allowance], 16)).toBeNull();
    expect(allocate([], 1)).toBeNull();
  });
});

describe('isSpendable', () => {
  const now = new Date('2027-02-10T00:00:00Z');
  const base = { remaining: 3, expiresAt: new Date('2027-02-10T00:00:00.001Z'), voidedAt: null };
  it.each([
    ['live', base, true],
    ['never expiring', { ...base, expiresAt: null }, true],
    ['expiring exactly now', { ...base, expiresAt: now }, false],
    ['empty', { ...base, remaining: 0 }, false],
    ['voided', { ...base, voidedAt: new Date('2027-02-01T00:00:00Z') }, false],
  ])('%s', (_, grant, expected) => {
    expect(isSpendable(grant, now)).toBe(expected);
  });
});

describe('credit constants', () => {
  it('a hold lasts ten minutes; warnings at 20% of the allowance and 7 days before a pack expires', () => {
    expect(RESERVATION_TTL_MS).toBe(600_000);
    expect(ALLOWANCE_WARNING_RATIO).toBe(0.2);
    expect(PACK_EXPIRY_WARNING_MS).toBe(7 * 86_400_000);
    expect(CREDIT_TYPES).toEqual(['ai_stories']);
  });
});
