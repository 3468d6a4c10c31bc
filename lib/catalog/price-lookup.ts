import { eq, or } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { DbOrTx } from '@/db/client';
import { stripeProducts } from '@/db/schema';
import { findPackage, type PackageDefinition } from './packages';

/** The package a Stripe price sells: by the metadata we set, its lookup key, or the recorded price id. */
export async function packageForPrice(
  db: DbOrTx,
  price: Stripe.Price | string | null | undefined,
): Promise<PackageDefinition | null> {
  if (!price) return null;
  if (typeof price !== 'string') {
    const byMeta = findPackage(price.metadata?.package_id ?? '') ?? findPackage(price.lookup_key ?? '');
    if (byMeta) return byMeta;
  }
  const id = typeof price === 'string' ? price : price.id;
  const [row] = await db
    .select({ id: stripeProducts.id })
    .from(stripeProducts)
    .where(or(eq(stripeProducts.stripePriceId, id)));
  return row ? (findPackage(row.id) ?? null) : null;
}
