import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import type { Logger } from '@/lib/logger';
import { upsertCatalogRows } from './db-sync';
import { PACKAGES, type PackageDefinition } from './packages';
import { syncCatalogToStripe, type StripeSyncReport } from './stripe-sync';

/** The init script's work: Stripe first, then the rows that point at it, in one transaction. */
export async function initPackages(
  deps: { db: Database; stripe: Stripe; logger: Logger },
  packages: readonly PackageDefinition[] = PACKAGES,
): Promise<StripeSyncReport> {
  const report = await syncCatalogToStripe(deps, packages);
  await deps.db.transaction((tx) => upsertCatalogRows(tx, packages, report.ids));
  return report;
}
