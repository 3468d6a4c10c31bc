import { z } from 'zod';

export const ANALYTICS_CURRENCIES = ['usd', 'gbp'] as const;
export type AnalyticsCurrency = (typeof ANALYTICS_CURRENCIES)[number];

/** `from`/`to`: ISO dates (UTC days, both included); `currency`: one currency only. */
export const performanceQuery = z
  .object({
    from: z.iso.date({ message: 'from must be an ISO date (YYYY-MM-DD)' }).optional(),
    to: z.iso.date({ message: 'to must be an ISO date (YYYY-MM-DD)' }).optional(),
    currency: z
      .string()
      .transform((c) => c.toLowerCase())
      .pipe(z.enum(ANALYTICS_CURRENCIES, { message: `currency must be one of ${ANALYTICS_CURRENCIES.join(', ')}` }))
      .optional(),
  })
  .strict();
export type PerformanceQuery = z.input<typeof performanceQuery>;

const minor = z.number().int();
const rate = z.number().nullable();

const checkoutFigures = z.object({ created: minor, completed: minor, expired: minor, conversion_rate: rate });
const trialFigures = z.object({ started: minor, converted: minor, conversion_rate: rate });

const salesFigures = {
  purchases: minor,
  gross_revenue: minor,
  refunds: minor.describe('purchases in the range with a full or partial refund'),
  refunded_amount: minor,
  net_revenue: minor,
  average_purchase_value: minor.nullable().describe('gross revenue ÷ purchases, rounded; null without purchases'),
  checkout_sessions: checkoutFigures,
  active_subscriptions: minor.describe('live paying subscriptions (or add-on units) now'),
  mrr: minor.describe('monthly recurring revenue now, annual plans at 1/12, rounded per package'),
  trials: trialFigures,
};

export const packageFiguresSchema = z.object({
  package_id: z.string(),
  package_type: z.string(),
  currency: z.string(),
  ...salesFigures,
});

export const currencyTotalsSchema = z.object({ currency: z.string(), ...salesFigures });

export const dailyPointSchema = z.object({
  date: z.string(),
  currency: z.string(),
  purchases: minor,
  gross_revenue: minor,
  refunded_amount: minor,
  net_revenue: minor,
  checkouts_created: minor,
  checkouts_completed: minor,
});

const creditFigures = {
  granted: minor,
  spent: minor,
  expired: minor,
  refunded: minor,
  voided: minor,
};

export const creditUsageSchema = z.object({
  by_pack: z.array(
    z.object({
      package_id: z.string(),
      credits: z.number().int().nullable(),
      purchases: minor,
      ...creditFigures,
      expiration_rate: rate,
    }),
  ),
  by_plan_type: z.array(
    z.object({
      plan_type: z.string(),
      ...creditFigures,
      unmetered_usage: minor.describe('stories used on an unlimited plan (nothing deducted)'),
    }),
  ),
  most_popular_packs: z.array(
    z.object({ package_id: z.string(), credits: z.number().int().nullable(), purchases: minor }),
  ),
  daily: z.array(z.object({ date: z.string(), granted: minor, spent: minor, expired: minor })),
});

export const performanceResponse = z.object({
  range: z.object({ from: z.string(), to: z.string(), days: z.number().int() }),
  currency: z.string().nullable(),
  as_of: z.string(),
  packages: z.array(packageFiguresSchema),
  totals: z.array(currencyTotalsSchema),
  daily: z.array(dailyPointSchema),
  credit_usage: creditUsageSchema,
});

export type PackageFigures = z.infer<typeof packageFiguresSchema>;
export type CurrencyTotals = z.infer<typeof currencyTotalsSchema>;
export type DailyPoint = z.infer<typeof dailyPointSchema>;
export type CreditUsageReport = z.infer<typeof creditUsageSchema>;
export type PerformanceReport = z.infer<typeof performanceResponse>;
