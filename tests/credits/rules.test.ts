import { describe, expect, it } from 'vitest';
import {
  allowancePeriod,
  allowanceTopUp,
  overlapsWindow,
  pastDueGraceOver,
  refundedCredits,
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
