import { z } from 'zod';

export const packagePerformanceSchema = z.object({
  package_id: z.string(),
  package_type: z.string(),
  currency: z.string().nullable(),
  total_purchases: z.number().int(),
  total_revenue: z.number().int(),
  average_purchase_value: z.number().int(),
  purchases_last_30_days: z.number().int(),
  revenue_last_30_days: z.number().int(),
  checkouts_started: z.number().int(),
  checkouts_completed: z.number().int(),
  conversion_rate: z.number().nullable(),
});

export const analyticsResponse = z.object({ packages: z.array(packagePerformanceSchema) });

export type PackagePerformance = z.infer<typeof packagePerformanceSchema>;
