import { PackageNotFound, ValidationFailed } from '@/lib/errors';
import type { DbOrTx } from '@/db/client';
import type { Clock } from '@/lib/clock';
import { loadCatalog } from './queries';
import { presentPackage, type PackageResponse } from './presenter';

export { PACKAGES, findPackage, CURRENCIES, type PackageDefinition, type PackageType, type Currency } from './packages';
export { invalidateCatalogCache, loadCatalog, type CatalogRow } from './queries';
export { presentPackage, formatMoney, type PackageResponse, type PackagePrice } from './presenter';

export const PACKAGE_TYPES = ['subscription', 'credit_pack', 'addon', 'enterprise'] as const;

interface CatalogDeps {
  db: DbOrTx;
  clock: Clock;
}

export async function listPackages(
  deps: CatalogDeps,
  filter: { packageType?: string; teamCurrency: string | null },
): Promise<PackageResponse[]> {
  if (filter.packageType !== undefined && !(PACKAGE_TYPES as readonly string[]).includes(filter.packageType)) {
    throw new ValidationFailed(`package_type: must be one of ${PACKAGE_TYPES.join(', ')}`);
  }
  const rows = await loadCatalog(deps.db, deps.clock.now().getTime());
  return rows
    .filter((r) => !filter.packageType || r.packageType === filter.packageType)
    .map((r) => presentPackage(r, filter.teamCurrency));
}

export async function getPackage(
  deps: CatalogDeps,
  packageId: string,
  teamCurrency: string | null,
): Promise<PackageResponse> {
  const rows = await loadCatalog(deps.db, deps.clock.now().getTime());
  const row = rows.find((r) => r.id === packageId);
  if (!row) throw new PackageNotFound(packageId);
  return presentPackage(row, teamCurrency);
}
