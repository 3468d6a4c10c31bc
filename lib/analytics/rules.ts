import { ValidationFailed } from '@/lib/errors';

export const DEFAULT_RANGE_DAYS = 30;
export const MAX_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

export interface DateRange {
  /** First and last UTC day, both included (YYYY-MM-DD). */
  from: string;
  to: string;
  days: number;
}

export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));
}

/** The requested range, defaulting to the last 30 days up to today (UTC); at most 366 days. */
export function resolveRange(now: Date, from?: string, to?: string): DateRange {
  const end = to ?? (from ? addDays(from, DEFAULT_RANGE_DAYS - 1) : isoDay(now));
  const start = from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1));
  const days = Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS) + 1;
  if (days < 1) throw new ValidationFailed(`from (${start}) must not be after to (${end})`);
  if (days > MAX_RANGE_DAYS)
    throw new ValidationFailed(`The range may span at most ${MAX_RANGE_DAYS} days; ${start} to ${end} is ${days}`);
  return { from: start, to: end, days };
}

/** Every day of the range, in order. */
export function daysOf(range: DateRange): string[] {
  return Array.from({ length: range.days }, (_, i) => addDays(range.from, i));
}

/** part ÷ whole to 4 decimals; null when there is nothing to divide by. */
export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/** Average in whole minor units (half away from zero, as PostgreSQL's ROUND); null without purchases. */
export function averageValue(total: number, count: number): number | null {
  return count === 0 ? null : Math.round(total / count);
}

/** Monthly recurring revenue of `units` at `amount` each: an annual price counts 1/12, rounded once. */
export function monthlyRecurring(units: number, amount: number, interval: 'month' | 'year' | null): number {
  if (units === 0 || interval === null) return 0;
  return interval === 'year' ? Math.round((units * amount) / 12) : units * amount;
}
