import { findPackage } from '@/lib/catalog/packages';

export const CREDIT_TYPES = ['ai_stories'] as const;
export type CreditType = (typeof CREDIT_TYPES)[number];

/** How long a reservation holds credits before it is released on its own. */
export const RESERVATION_TTL_MS = 10 * 60 * 1000;
export const ALLOWANCE_WARNING_RATIO = 0.2;
export const PACK_EXPIRY_WARNING_MS = 7 * 86_400_000;

export interface AllowancePolicy {
  unlimited: boolean;
  /** Credits for the period: per team, or per member when `perMember`. */
  amount: number;
  perMember: boolean;
}

/** The plan's monthly AI story allowance, from the catalog (the one source of limits). */
export function allowancePolicy(planPackageId: string): AllowancePolicy {
  const limits = findPackage(planPackageId)?.limits ?? findPackage('starter')!.limits!;
  if (limits.monthlyStories === null) return { unlimited: true, amount: 0, perMember: false };
  return { unlimited: false, amount: limits.monthlyStories, perMember: limits.storiesPerMember };
}

function addMonthsUtc(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  // Anchors on the 29th-31st land on the last day of shorter months, as Stripe's billing does.
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d;
}

export interface AllowancePeriod {
  start: Date;
  end: Date;
}

/**
 * The allowance window containing `now`. Without an anchor (a team that never paid): calendar
 * months (UTC). With one (the start of the team's first paid subscription, set once): months
 * counted from the anchor, each computed from the anchor itself (Jan 31 → Feb 28 → Mar 31, never
 * chained), so plan and interval changes, which re-anchor Stripe's billing, never move a window.
 */
export function allowancePeriod(now: Date, anchor: Date | null): AllowancePeriod {
  if (!anchor) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    return { start, end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)) };
  }
  let months = (now.getUTCFullYear() - anchor.getUTCFullYear()) * 12 + (now.getUTCMonth() - anchor.getUTCMonth());
  if (addMonthsUtc(anchor, months) > now) months -= 1;
  if (months < 0) months = 0;
  return { start: addMonthsUtc(anchor, months), end: addMonthsUtc(anchor, months + 1) };
}

/** Whether a grant valid over [start, end) overlaps the window. */
export function overlapsWindow(grant: { start: Date; end: Date | null }, window: AllowancePeriod): boolean {
  return grant.start < window.end && (grant.end === null || grant.end > window.start);
}

/**
 * What to grant now so the window holds the current plan's allowance and never more: the plan's
 * entitlement, less what its live grants in the window already gave, less what the team spent in
 * the window from allowances since voided (a previous plan's, Starter's calendar month).
 */
export function allowanceTopUp(input: { entitlement: number; granted: number; spentElsewhere: number }): number {
  return Math.max(0, input.entitlement - input.granted - input.spentElsewhere);
}

/** A past-due plan keeps its features for the grace period; after it the team is on Starter until paid. */
export function pastDueGraceOver(pastDueSince: Date | null, now: Date, graceDays: number): boolean {
  return pastDueSince !== null && now.getTime() >= pastDueSince.getTime() + graceDays * 86_400_000;
}

export interface SpendableGrant {
  id: string;
  source: 'plan_allowance' | 'credit_pack' | 'adjustment';
  remaining: number;
  expiresAt: Date | null;
  createdAt: Date;
}

/** Spending order: the plan allowance first, then the soonest-expiring grants, oldest first on ties. */
export function spendingOrder<T extends SpendableGrant>(grants: readonly T[]): T[] {
  const rank = (g: SpendableGrant) => (g.source === 'plan_allowance' ? 0 : 1);
  return [...grants].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) - (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) ||
      a.createdAt.getTime() - b.createdAt.getTime(),
  );
}

/** How much to take from each grant, in spending order; null when they hold too little. */
export function allocate<T extends SpendableGrant>(
  grants: readonly T[],
  amount: number,
): { grant: T; take: number }[] | null {
  const plan: { grant: T; take: number }[] = [];
  let left = amount;
  for (const grant of spendingOrder(grants)) {
    if (left === 0) break;
    const take = Math.min(grant.remaining, left);
    if (take > 0) plan.push({ grant, take });
    left -= take;
  }
  return left === 0 ? plan : null;
}

export function isSpendable(
  grant: { remaining: number; expiresAt: Date | null; voidedAt: Date | null },
  now: Date,
): boolean {
  return grant.voidedAt === null && grant.remaining > 0 && (grant.expiresAt === null || grant.expiresAt > now);
}

/**
 * How many of a pack's credits a refund takes back: the refunded share of the price, rounded up
 * (a credit is only kept when it was fully paid for). A full refund takes them all.
 */
export function refundedCredits(packCredits: number, refund: { refunded: number; paid: number }): number {
  if (refund.paid <= 0 || refund.refunded >= refund.paid) return packCredits;
  if (refund.refunded <= 0) return 0;
  return Math.min(packCredits, Math.ceil((packCredits * refund.refunded) / refund.paid));
}
