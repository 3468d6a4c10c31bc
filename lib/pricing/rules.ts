import { PACKAGES, type Currency, type PackageDefinition } from '@/lib/catalog/packages';
import { computeEntitlements } from '@/lib/entitlements/rules';

export const TRIAL_DAYS = 14;
export const PLAN_FAMILIES = ['starter', 'professional', 'business', 'enterprise'] as const;
export type PlanFamily = (typeof PLAN_FAMILIES)[number];
export type BillingInterval = 'month' | 'year';

/**
 * A visitor's currency from Accept-Language: pounds for the United Kingdom (en-GB, cy-GB, …),
 * dollars otherwise. Languages are taken in the order of their q weights.
 */
export function currencyFromAcceptLanguage(header: string | null | undefined): Currency {
  if (!header) return 'usd';
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q ? Number.parseFloat(q.slice(2)) : 1;
      return { tag: tag.trim().toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  for (const { tag } of ranked) {
    const region = tag.split('-')[1];
    if (region) return region === 'gb' || region === 'uk' ? 'gbp' : 'usd';
  }
  return 'usd';
}

/** Price of one story in a pack, in minor units with fractions (9p per story for £9 / 100). */
export function perStoryPrice(pack: PackageDefinition, currency: Currency): number | null {
  const amount = pack.prices[currency];
  if (amount === undefined || !pack.credits) return null;
  return amount / pack.credits;
}

/** Whole-percent saving per story against the 50 pack, in the same currency (0 for the 50 pack). */
export function packDiscountPercent(pack: PackageDefinition, currency: Currency): number {
  const base = PACKAGES.find((p) => p.id === 'credits_50');
  const own = perStoryPrice(pack, currency);
  const reference = base ? perStoryPrice(base, currency) : null;
  if (own === null || reference === null || reference === 0) return 0;
  return Math.max(0, Math.round((1 - own / reference) * 100));
}

/** What paying yearly saves against twelve monthly payments: the amount and how many months that is. */
export function annualSaving(
  monthly: PackageDefinition,
  annual: PackageDefinition,
  currency: Currency,
): { amount: number; monthsFree: number } | null {
  const m = monthly.prices[currency];
  const a = annual.prices[currency];
  if (m === undefined || a === undefined || m === 0) return null;
  const amount = m * 12 - a;
  return amount > 0 ? { amount, monthsFree: Math.round(amount / m) } : null;
}

export interface PlanColumn {
  family: PlanFamily;
  name: string;
  description: string;
  /** The package sold for the chosen interval; null for Starter (free) and Enterprise (sales). */
  pkg: PackageDefinition | null;
  limits: { label: string; value: string }[];
  features: string[];
}

function planPackage(family: PlanFamily, interval: BillingInterval): PackageDefinition | null {
  if (family === 'starter' || family === 'enterprise') return null;
  return PACKAGES.find((p) => p.plan === family && p.interval === interval) ?? null;
}

/** The four plans side by side, with the limits lib/entitlements grants for each. */
export function planColumns(interval: BillingInterval): PlanColumn[] {
  return PLAN_FAMILIES.map((family) => {
    const definition = PACKAGES.find((p) => p.plan === family)!;
    const pkg = planPackage(family, interval);
    if (family === 'enterprise') {
      return {
        family,
        name: 'Enterprise',
        description: definition.description,
        pkg: null,
        limits: [
          { label: 'Members', value: 'Unlimited' },
          { label: 'AI stories', value: 'Unlimited' },
          { label: 'Storage', value: 'Custom' },
        ],
        features: definition.features,
      };
    }
    const e = computeEntitlements({
      planPackageId: definition.id,
      addons: [],
      memberCount: 1,
      hasPriorityCredits: false,
    });
    const stories = e.monthly_story_allowance;
    const features = [
      e.features.sso && 'SSO',
      e.features.api_access && 'API access',
      e.features.advanced_analytics && 'Advanced analytics',
      e.features.advanced_integrations && 'Advanced integrations',
      e.features.priority_support ? 'Priority support' : family === 'starter' ? 'Community support' : 'Email support',
    ].filter((f): f is string => Boolean(f));
    return {
      family,
      name: family === 'starter' ? 'Starter' : definition.name.replace(/ \(annual\)$/, ''),
      description: family === 'starter' ? definition.description : definition.description.replace(/, billed .*$/, ''),
      pkg,
      limits: [
        { label: 'Members', value: e.member_limit === null ? 'Unlimited' : `Up to ${e.member_limit}` },
        { label: 'Projects', value: e.project_limit === null ? 'Unlimited' : String(e.project_limit) },
        { label: 'Storage', value: `${e.storage_gb} GB` },
        {
          label: 'AI stories a month',
          value: stories.unlimited
            ? 'Unlimited'
            : stories.per_member !== null
              ? `${stories.per_member} per member`
              : `${stories.total} per team`,
        },
      ],
      features,
    };
  });
}

/**
 * The currency and billing period a visitor without a team sees: `?currency=` when it names one we
 * sell in, else Accept-Language; `?billing=annual` or monthly. proxy.ts picks the prerendered page
 * with it and the rendered page its defaults, so both always agree.
 */
export function visitorPricing(
  search: { currency?: string | null; billing?: string | null },
  acceptLanguage: string | null | undefined,
): { currency: Currency; billing: BillingInterval } {
  const requested = search.currency;
  return {
    currency: requested === 'usd' || requested === 'gbp' ? requested : currencyFromAcceptLanguage(acceptLanguage),
    billing: search.billing === 'annual' ? 'year' : 'month',
  };
}
