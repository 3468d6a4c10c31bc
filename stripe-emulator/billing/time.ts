import type Stripe from 'stripe';

/** Calendar arithmetic in UTC, clamping to month ends as Stripe does (Jan 31 + 1 month = Feb 28). */
export function addInterval(ts: number, interval: Stripe.Price.Recurring.Interval, count: number): number {
  const d = new Date(ts * 1000);
  if (interval === 'day') return ts + 86_400 * count;
  if (interval === 'week') return ts + 7 * 86_400 * count;
  {
    const months = interval === 'year' ? 12 * count : count;
    const day = d.getUTCDate();
    const target = new Date(d);
    target.setUTCDate(1);
    target.setUTCMonth(target.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(day, lastDay));
    return Math.floor(target.getTime() / 1000);
  }
}

/**
 * The first period boundary after `after`, counted from the billing cycle anchor rather than chained
 * from the previous end, so a Jan 31 anchor gives Feb 28 (29), Mar 31, Apr 30 as on Stripe.
 */
export function nextAnchoredEnd(
  anchor: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
  after: number,
): number {
  if (after < anchor) return anchor;
  if (interval === 'day' || interval === 'week') {
    const step = (interval === 'day' ? 86_400 : 7 * 86_400) * count;
    return anchor + (Math.floor((after - anchor) / step) + 1) * step;
  }
  const monthsPer = (interval === 'year' ? 12 : 1) * count;
  const from = new Date(anchor * 1000);
  const to = new Date(after * 1000);
  // Start a little before the answer instead of walking every period since the anchor.
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + (to.getUTCMonth() - from.getUTCMonth());
  let k = Math.max(1, Math.floor(months / monthsPer) - 1);
  for (;;) {
    const end = addInterval(anchor, interval, count * k);
    if (end > after) return end;
    k += 1;
  }
}

/** The anchored boundary just before `end` (the start of the full period ending at `end`). */
export function anchoredPeriodStart(
  anchor: number,
  interval: Stripe.Price.Recurring.Interval,
  count: number,
  end: number,
): number {
  const days: Record<Stripe.Price.Recurring.Interval, number> = { day: 1, week: 7, month: 31, year: 366 };
  const longest = (days[interval] ?? 366) * 86_400 * count;
  let start = nextAnchoredEnd(anchor, interval, count, end - longest - 1);
  for (;;) {
    const next = nextAnchoredEnd(anchor, interval, count, start);
    if (next >= end) return start;
    start = next;
  }
}

export function formatDate(ts: number): string {
  return new Date(ts * 1000).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}
