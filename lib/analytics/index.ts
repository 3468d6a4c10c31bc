import 'server-only';
import { asc } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { packagePerformance } from '@/db/schema';
import type { PackagePerformance } from './schemas';

export type { PackagePerformance } from './schemas';

/**
 * Sales per package and currency from the `package_performance` view. Revenue is net of refunds,
 * in minor units of its own currency: amounts in different currencies are never added together.
 */
export async function packagePerformanceReport(db: DbOrTx): Promise<PackagePerformance[]> {
  const rows = await db
    .select()
    .from(packagePerformance)
    .orderBy(asc(packagePerformance.packageId), asc(packagePerformance.currency));
  return rows.map((r) => ({
    package_id: r.packageId,
    package_type: r.packageType,
    currency: r.currency,
    total_purchases: r.totalPurchases,
    total_revenue: r.totalRevenue,
    average_purchase_value: r.averagePurchaseValue,
    purchases_last_30_days: r.purchasesLast30Days,
    revenue_last_30_days: r.revenueLast30Days,
    checkouts_started: r.checkoutsStarted,
    checkouts_completed: r.checkoutsCompleted,
    conversion_rate: r.conversionRate === null ? null : Number(r.conversionRate),
  }));
}
