import { describe, expect, it } from 'vitest';
import { averageValue, daysOf, monthlyRecurring, ratio, resolveRange } from '@/lib/analytics/rules';
import { csvFilename, toCsv, type AnalyticsTable } from '@/lib/analytics/tables';

const now = new Date('2026-03-01T23:59:00Z');

describe('analytics rules', () => {
  it('defaults to the last 30 UTC days up to today, and completes a half-open range to 30 days', () => {
    expect(resolveRange(now)).toEqual({ from: '2026-01-31', to: '2026-03-01', days: 30 });
    expect(resolveRange(now, '2026-02-01')).toEqual({ from: '2026-02-01', to: '2026-03-02', days: 30 });
    expect(resolveRange(now, undefined, '2026-02-28')).toEqual({ from: '2026-01-30', to: '2026-02-28', days: 30 });
    expect(resolveRange(now, '2026-02-28', '2026-02-28').days).toBe(1);
  });

  it('allows 366 days (a leap year) and no more; refuses a reversed range', () => {
    expect(resolveRange(now, '2028-01-01', '2028-12-31').days).toBe(366);
    expect(() => resolveRange(now, '2027-12-31', '2028-12-31')).toThrow(/at most 366 days/);
    expect(() => resolveRange(now, '2026-03-02', '2026-03-01')).toThrow(/must not be after/);
  });

  it('lists every day across a 28-day February', () => {
    expect(daysOf(resolveRange(now, '2026-02-27', '2026-03-01'))).toEqual(['2026-02-27', '2026-02-28', '2026-03-01']);
  });

  it('computes rates, averages and monthly recurring revenue in whole minor units', () => {
    expect(ratio(2, 3)).toBe(0.6667);
    expect(ratio(0, 0)).toBeNull();
    expect(averageValue(2300, 3)).toBe(767);
    expect(averageValue(0, 0)).toBeNull();
    expect(monthlyRecurring(3, 1000, 'month')).toBe(3000);
    // $100.00 a year is $8.33 a month; three of them $25.00, not 3 × $8.33.
    expect(monthlyRecurring(1, 10000, 'year')).toBe(833);
    expect(monthlyRecurring(3, 10000, 'year')).toBe(2500);
    expect(monthlyRecurring(2, 500, null)).toBe(0);
  });
});

describe('analytics CSV', () => {
  const table: AnalyticsTable = {
    id: 'packages',
    title: 'Purchases per package',
    columns: [
      { label: 'Package', kind: 'text' },
      { label: 'Net revenue', kind: 'money' },
      { label: 'Conversion', kind: 'rate' },
    ],
    rows: [
      ['credits_50', 800, 0.5],
      ['a "quoted", name', -200, null],
      ['=HYPERLINK("x")', 0, 1],
    ],
  };

  it('is RFC 4180 with minor units named in the header, quotes where needed and defuses formulas', () => {
    expect(toCsv(table)).toBe(
      [
        'Package,Net revenue (minor units),Conversion',
        'credits_50,800,0.5',
        '"a ""quoted"", name",-200,',
        `"'=HYPERLINK(""x"")",0,1`,
        '',
      ].join('\r\n'),
    );
    expect(csvFilename('packages', { from: '2026-11-01', to: '2026-11-07' }, 'gbp')).toBe(
      'package-analytics-packages-2026-11-01-to-2026-11-07-gbp.csv',
    );
  });
});
