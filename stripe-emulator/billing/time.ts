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

export function formatDate(ts: number): string {
  return new Date(ts * 1000).toLocaleDateString('en-US', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
}
