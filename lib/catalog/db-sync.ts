import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { stripeProducts } from '@/db/schema';
import type { PackageDefinition } from './packages';
import type { StripeCatalogIds } from './stripe-sync';
import { invalidateCatalogCache } from './queries';

/**
 * Upserts the catalog into `stripe_products`. Stripe ids are only written when known, so
 * seeding without Stripe never erases ids a previous init run recorded.
 */
export async function upsertCatalogRows(
  db: DbOrTx,
  packages: readonly PackageDefinition[],
  ids: readonly StripeCatalogIds[] = [],
): Promise<void> {
  for (const pkg of packages) {
    const stripe = ids.find((i) => i.packageId === pkg.id);
    const values = {
      id: pkg.id,
      packageType: pkg.packageType,
      name: pkg.name,
      description: pkg.description,
      features: pkg.features,
      limits: pkg.limits,
      credits: pkg.credits,
      validityDays: pkg.validityDays,
      interval: pkg.interval,
      currency: pkg.currency,
      amount: pkg.amount,
      prices: pkg.prices,
      active: true,
      sortOrder: pkg.sortOrder,
      updatedAt: sql`now()`,
      ...(stripe
        ? { stripeProductId: stripe.stripeProductId, stripePriceId: stripe.stripePriceId, lookupKey: stripe.lookupKey }
        : {}),
    };
    const { id: _id, ...update } = values;
    await db.insert(stripeProducts).values(values).onConflictDoUpdate({ target: stripeProducts.id, set: update });
  }
  invalidateCatalogCache();
}
