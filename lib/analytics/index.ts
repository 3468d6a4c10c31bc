import 'server-only';
import { sql } from 'drizzle-orm';
import type { Database, DbOrTx } from '@/db/client';
import type { Clock } from '@/lib/clock';
import { averageValue, daysOf, monthlyRecurring, ratio, resolveRange, addDays, type DateRange } from './rules';
import {
  ANALYTICS_CURRENCIES,
  performanceQuery,
  type CreditUsageReport,
  type CurrencyTotals,
  type DailyPoint,
  type PackageFigures,
  type PerformanceQuery,
  type PerformanceReport,
} from './schemas';

export type { PerformanceReport, PackageFigures, CurrencyTotals, DailyPoint, CreditUsageReport } from './schemas';
export { performanceQuery, type PerformanceQuery } from './schemas';

export interface AnalyticsDeps {
  db: Database;
  clock: Clock;
}

type Row = Record<string, unknown>;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const key = (packageId: string, currency: string) => `${packageId}\u0000${currency}`;

/** Folds the rollups' delta rows (cheap when there are none); the sums read the same either way. */
export async function compactRollups(db: DbOrTx): Promise<void> {
  await db.execute(sql`SELECT analytics_compact()`);
}

/** Recomputes every rollup from the base tables (backfill; the seed generator uses it). */
export async function rebuildRollups(db: DbOrTx): Promise<void> {
  await db.execute(sql`SELECT analytics_rebuild()`);
}

interface Sales {
  purchases: number;
  gross: number;
  refunded: number;
  refunds: number;
  created: number;
  completed: number;
  expired: number;
  active: number;
  mrr: number;
  trialsStarted: number;
  trialsConverted: number;
}

const emptySales = (): Sales => ({
  purchases: 0,
  gross: 0,
  refunded: 0,
  refunds: 0,
  created: 0,
  completed: 0,
  expired: 0,
  active: 0,
  mrr: 0,
  trialsStarted: 0,
  trialsConverted: 0,
});

function present(s: Sales) {
  return {
    purchases: s.purchases,
    gross_revenue: s.gross,
    refunds: s.refunds,
    refunded_amount: s.refunded,
    net_revenue: s.gross - s.refunded,
    average_purchase_value: averageValue(s.gross, s.purchases),
    checkout_sessions: {
      created: s.created,
      completed: s.completed,
      expired: s.expired,
      conversion_rate: ratio(s.completed, s.created),
    },
    active_subscriptions: s.active,
    mrr: s.mrr,
    trials: {
      started: s.trialsStarted,
      converted: s.trialsConverted,
      conversion_rate: ratio(s.trialsConverted, s.trialsStarted),
    },
  };
}

/**
 * Package performance for platform admins: per package and currency (amounts in minor units of
 * their own currency, never added across currencies), totals per currency, a daily series with
 * every day of the range present, and credit usage. Sales, refunds and checkouts come from the
 * daily rollup views (refunds count on the purchase's day, checkout sessions on the day they were
 * opened); active subscriptions and MRR are as of now; trials by the day they started.
 */
export async function performanceReport(deps: AnalyticsDeps, input: PerformanceQuery = {}): Promise<PerformanceReport> {
  const query = performanceQuery.parse(input);
  const now = deps.clock.now();
  const range = resolveRange(now, query.from, query.to);
  const currencies = query.currency ? [query.currency] : [...ANALYTICS_CURRENCIES];
  // One statement: one snapshot (the figures agree with each other) and one round trip. The
  // compaction runs beside it; the sums read the same before and after it.
  const [, [fetched]] = await Promise.all([
    compactRollups(deps.db),
    deps.db.execute<Record<Part, Row[]>>(sql`SELECT
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT id, package_type::text AS package_type, prices, interval::text AS interval, credits, sort_order
          FROM stripe_products ORDER BY sort_order, id) r) AS "catalog",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT package_id, currency, SUM(purchases) AS purchases, SUM(gross_revenue) AS gross,
            SUM(refunded_amount) AS refunded, SUM(refunds) AS refunds, SUM(checkouts_created) AS created,
            SUM(checkouts_completed) AS completed, SUM(checkouts_expired) AS expired
          FROM package_performance_daily
          WHERE day BETWEEN ${range.from}::date AND ${range.to}::date AND currency IN ${currencies}
          GROUP BY package_id, currency) r) AS "sales",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT package_id, currency, SUM(units) AS units
          FROM analytics_subscriptions_live WHERE currency IN ${currencies}
          GROUP BY package_id, currency HAVING SUM(units) <> 0) r) AS "live",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT s.package_id, s.currency, COUNT(*) AS started,
            COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM user_purchases p
              WHERE p.stripe_subscription_id = s.stripe_subscription_id AND p.amount > 0)) AS converted
          FROM subscriptions s
          WHERE s.trial_start >= ${range.from}::date AND s.trial_start < ${addDays(range.to, 1)}::date
            AND s.currency IN ${currencies}
          GROUP BY s.package_id, s.currency) r) AS "trials",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT day::text AS day, currency, SUM(purchases) AS purchases, SUM(gross_revenue) AS gross,
            SUM(refunded_amount) AS refunded, SUM(checkouts_created) AS created, SUM(checkouts_completed) AS completed
          FROM package_performance_daily
          WHERE day BETWEEN ${range.from}::date AND ${range.to}::date AND currency IN ${currencies}
          GROUP BY day, currency) r) AS "daily",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT source, plan_type, SUM(granted) AS granted, SUM(spent) AS spent, SUM(expired) AS expired,
            SUM(refunded) AS refunded, SUM(voided) AS voided, SUM(unmetered_usage) AS unmetered
          FROM credit_usage_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date
          GROUP BY source, plan_type) r) AS "credits",
      (SELECT COALESCE(json_agg(r), '[]'::json) FROM (SELECT day::text AS day, SUM(granted) AS granted, SUM(spent) AS spent, SUM(expired) AS expired
          FROM credit_usage_daily WHERE day BETWEEN ${range.from}::date AND ${range.to}::date GROUP BY day) r) AS "creditDaily"`),
  ]);
  return assemble({ now, range, currency: query.currency ?? null, currencies, ...fetched! });
}

type Part = 'catalog' | 'sales' | 'live' | 'trials' | 'daily' | 'credits' | 'creditDaily';

interface Fetched {
  now: Date;
  range: DateRange;
  currency: string | null;
  currencies: string[];
  catalog: Row[];
  sales: Row[];
  live: Row[];
  trials: Row[];
  daily: Row[];
  credits: Row[];
  creditDaily: Row[];
}

function assemble(f: Fetched): PerformanceReport {
  const catalog = new Map(
    f.catalog.map((p) => [
      String(p.id),
      {
        type: String(p.package_type),
        prices: (p.prices ?? {}) as Record<string, number>,
        interval: (p.interval ?? null) as 'month' | 'year' | null,
        credits: p.credits === null ? null : num(p.credits),
        order: num(p.sort_order),
      },
    ]),
  );
  const figures = new Map<string, { packageId: string; currency: string; s: Sales }>();
  const at = (packageId: string, currency: string) => {
    const k = key(packageId, currency);
    let entry = figures.get(k);
    if (!entry) {
      entry = { packageId, currency, s: emptySales() };
      figures.set(k, entry);
    }
    return entry.s;
  };
  // Every package priced in a currency is listed, sold or not.
  for (const [id, p] of catalog) for (const c of f.currencies) if (p.prices[c] !== undefined) at(id, c);
  for (const r of f.sales) {
    const s = at(String(r.package_id), String(r.currency));
    s.purchases = num(r.purchases);
    s.gross = num(r.gross);
    s.refunded = num(r.refunded);
    s.refunds = num(r.refunds);
    s.created = num(r.created);
    s.completed = num(r.completed);
    s.expired = num(r.expired);
  }
  for (const r of f.live) {
    const id = String(r.package_id);
    const currency = String(r.currency);
    const s = at(id, currency);
    const p = catalog.get(id);
    s.active += num(r.units);
    s.mrr += monthlyRecurring(num(r.units), p?.prices[currency] ?? 0, p?.interval ?? 'month');
  }
  for (const r of f.trials) {
    const s = at(String(r.package_id), String(r.currency));
    s.trialsStarted = num(r.started);
    s.trialsConverted = num(r.converted);
  }
  const order = (id: string) => catalog.get(id)?.order ?? Number.MAX_SAFE_INTEGER;
  const sorted = [...figures.values()].sort(
    (a, b) =>
      order(a.packageId) - order(b.packageId) ||
      a.packageId.localeCompare(b.packageId) ||
      a.currency.localeCompare(b.currency),
  );
  const packages: PackageFigures[] = sorted.map(({ packageId, currency, s }) => ({
    package_id: packageId,
    package_type: catalog.get(packageId)?.type ?? 'unknown',
    currency,
    ...present(s),
  }));
  const totals: CurrencyTotals[] = f.currencies.map((currency) => {
    const t = emptySales();
    for (const { currency: c, s } of sorted) {
      if (c !== currency) continue;
      for (const k of Object.keys(t) as (keyof Sales)[]) t[k] += s[k];
    }
    return { currency, ...present(t) };
  });

  const dailyByKey = new Map(f.daily.map((r) => [key(String(r.day), String(r.currency)), r]));
  const days = daysOf(f.range);
  const daily: DailyPoint[] = days.flatMap((date) =>
    f.currencies.map((currency) => {
      const r = dailyByKey.get(key(date, currency));
      const gross = num(r?.gross);
      const refunded = num(r?.refunded);
      return {
        date,
        currency,
        purchases: num(r?.purchases),
        gross_revenue: gross,
        refunded_amount: refunded,
        net_revenue: gross - refunded,
        checkouts_created: num(r?.created),
        checkouts_completed: num(r?.completed),
      };
    }),
  );

  return {
    range: f.range,
    currency: f.currency,
    as_of: f.now.toISOString(),
    packages,
    totals,
    daily,
    credit_usage: creditUsage(f, catalog, packages, days),
  };
}

function creditUsage(
  f: Fetched,
  catalog: Map<string, { type: string; credits: number | null; order: number }>,
  packages: PackageFigures[],
  days: string[],
): CreditUsageReport {
  const blank = () => ({ granted: 0, spent: 0, expired: 0, refunded: 0, voided: 0, unmetered_usage: 0 });
  const bySource = new Map<string, ReturnType<typeof blank>>();
  const byPlan = new Map<string, ReturnType<typeof blank>>();
  for (const plan of ['starter', 'professional', 'business']) byPlan.set(plan, blank());
  for (const r of f.credits) {
    for (const [map, k] of [
      [bySource, String(r.source)],
      [byPlan, String(r.plan_type)],
    ] as const) {
      const t = map.get(k) ?? blank();
      t.granted += num(r.granted);
      t.spent += num(r.spent);
      t.expired += num(r.expired);
      t.refunded += num(r.refunded);
      t.voided += num(r.voided);
      t.unmetered_usage += num(r.unmetered);
      map.set(k, t);
    }
  }
  const packIds = [...catalog].filter(([, p]) => p.type === 'credit_pack').map(([id]) => id);
  const purchasesOf = (id: string) =>
    packages.filter((p) => p.package_id === id).reduce((sum, p) => sum + p.purchases, 0);
  const by_pack = packIds.map((id) => {
    const t = bySource.get(id) ?? blank();
    return {
      package_id: id,
      credits: catalog.get(id)?.credits ?? null,
      purchases: purchasesOf(id),
      granted: t.granted,
      spent: t.spent,
      expired: t.expired,
      refunded: t.refunded,
      voided: t.voided,
      expiration_rate: ratio(t.expired, t.granted),
    };
  });
  const by_plan_type = [...byPlan].map(([plan_type, t]) => ({ plan_type, ...t }));
  const most_popular_packs = by_pack
    .map(({ package_id, credits, purchases }) => ({ package_id, credits, purchases }))
    .sort((a, b) => b.purchases - a.purchases || (a.credits ?? 0) - (b.credits ?? 0));
  const dailyByDay = new Map(f.creditDaily.map((r) => [String(r.day), r]));
  const daily = days.map((date) => {
    const r = dailyByDay.get(date);
    return { date, granted: num(r?.granted), spent: num(r?.spent), expired: num(r?.expired) };
  });
  return { by_pack, by_plan_type, most_popular_packs, daily };
}
