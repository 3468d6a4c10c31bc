import { asc, count, max } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { stripeProducts } from '@/db/schema';

export type CatalogRow = typeof stripeProducts.$inferSelect;

interface CacheEntry {
  rows: CatalogRow[];
  fingerprint: string;
  checkedAt: number;
}

// Another instance (or the init script) may change the catalog, so the cache re-checks a
// cheap fingerprint at most this often instead of trusting itself forever.
const RECHECK_MS = 5_000;
let cache: CacheEntry | undefined;

export function invalidateCatalogCache(): void {
  cache = undefined;
}

async function fingerprint(db: DbOrTx): Promise<string> {
  const [row] = await db.select({ n: count(), latest: max(stripeProducts.updatedAt) }).from(stripeProducts);
  return `${row?.n ?? 0}:${row?.latest?.toISOString() ?? ''}`;
}

/** Every active package row, ordered for display; cached in process. */
export async function loadCatalog(db: DbOrTx, nowMs: number): Promise<CatalogRow[]> {
  if (cache && nowMs - cache.checkedAt < RECHECK_MS) return cache.rows;
  const current = await fingerprint(db);
  if (cache && cache.fingerprint === current) {
    cache.checkedAt = nowMs;
    return cache.rows;
  }
  const rows = await db.select().from(stripeProducts).orderBy(asc(stripeProducts.sortOrder));
  cache = { rows: rows.filter((r) => r.active), fingerprint: current, checkedAt: nowMs };
  return cache.rows;
}
