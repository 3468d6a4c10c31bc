import type { PackageLimits } from '@/db/schema/catalog';
import type { CatalogRow } from './queries';

export interface PackagePrice {
  amount: number;
  currency: string;
  interval: 'month' | 'year' | null;
  /** True for the currency the team is billed in (fixed at its first paid purchase). */
  team_currency: boolean;
}

export interface PackageResponse {
  id: string;
  package_type: CatalogRow['packageType'];
  name: string;
  description: string;
  features: string[];
  limits: PackageLimits | null;
  credits: number | null;
  validity_days: number | null;
  interval: 'month' | 'year' | null;
  prices: PackagePrice[];
  contact_sales: boolean;
}

/** The public JSON shape of a package, with the team's own currency marked. */
export function presentPackage(row: CatalogRow, teamCurrency: string | null): PackageResponse {
  const prices = Object.entries(row.prices)
    .sort(([a], [b]) => (a === row.currency ? -1 : b === row.currency ? 1 : a.localeCompare(b)))
    .map(([currency, amount]) => ({
      amount,
      currency,
      interval: row.interval,
      team_currency: currency === teamCurrency,
    }));
  return {
    id: row.id,
    package_type: row.packageType,
    name: row.name,
    description: row.description,
    features: row.features,
    limits: row.limits,
    credits: row.credits,
    validity_days: row.validityDays,
    interval: row.interval,
    prices,
    contact_sales: row.packageType === 'enterprise',
  };
}

/** "£5.00", "$100.00": minor units formatted for people. */
export function formatMoney(amount: number, currency: string): string {
  const locale = currency.toLowerCase() === 'usd' ? 'en-US' : 'en-GB';
  return new Intl.NumberFormat(locale, { style: 'currency', currency: currency.toUpperCase() }).format(amount / 100);
}
