import type { PerformanceReport } from './schemas';

export type CellKind = 'text' | 'count' | 'money' | 'rate';
export interface Column {
  label: string;
  kind: CellKind;
}
export type Cell = string | number | null;
export interface AnalyticsTable {
  id: TableId;
  title: string;
  columns: Column[];
  /** Money cells are minor units of the row's `currency` column. */
  rows: Cell[][];
}

export const TABLE_IDS = [
  'totals',
  'revenue-daily',
  'packages',
  'funnel',
  'trials',
  'credits-by-pack',
  'popular-packs',
  'credits-by-plan',
  'credits-daily',
] as const;
export type TableId = (typeof TABLE_IDS)[number];

const col = (label: string, kind: CellKind = 'count'): Column => ({ label, kind });

/** Every figure of the report as plain tables: the dashboard renders them and exports them as CSV. */
export function analyticsTables(r: PerformanceReport): AnalyticsTable[] {
  return [
    {
      id: 'totals',
      title: 'Totals per currency',
      columns: [
        col('Currency', 'text'),
        col('Purchases'),
        col('Gross revenue', 'money'),
        col('Refunds'),
        col('Refunded', 'money'),
        col('Net revenue', 'money'),
        col('Average purchase', 'money'),
        col('Checkout conversion', 'rate'),
        col('Active subscriptions'),
        col('MRR', 'money'),
      ],
      rows: r.totals.map((t) => [
        t.currency,
        t.purchases,
        t.gross_revenue,
        t.refunds,
        t.refunded_amount,
        t.net_revenue,
        t.average_purchase_value,
        t.checkout_sessions.conversion_rate,
        t.active_subscriptions,
        t.mrr,
      ]),
    },
    {
      id: 'revenue-daily',
      title: 'Revenue per day',
      columns: [
        col('Date', 'text'),
        col('Currency', 'text'),
        col('Purchases'),
        col('Gross revenue', 'money'),
        col('Refunded', 'money'),
        col('Net revenue', 'money'),
      ],
      rows: r.daily.map((d) => [d.date, d.currency, d.purchases, d.gross_revenue, d.refunded_amount, d.net_revenue]),
    },
    {
      id: 'packages',
      title: 'Purchases per package',
      columns: [
        col('Package', 'text'),
        col('Currency', 'text'),
        col('Purchases'),
        col('Gross revenue', 'money'),
        col('Refunds'),
        col('Refunded', 'money'),
        col('Net revenue', 'money'),
        col('Average purchase', 'money'),
        col('Active subscriptions'),
        col('MRR', 'money'),
      ],
      rows: r.packages.map((p) => [
        p.package_id,
        p.currency,
        p.purchases,
        p.gross_revenue,
        p.refunds,
        p.refunded_amount,
        p.net_revenue,
        p.average_purchase_value,
        p.active_subscriptions,
        p.mrr,
      ]),
    },
    {
      id: 'funnel',
      title: 'Checkout funnel',
      columns: [
        col('Package', 'text'),
        col('Currency', 'text'),
        col('Created'),
        col('Completed'),
        col('Expired'),
        col('Conversion', 'rate'),
      ],
      rows: r.packages.map((p) => [
        p.package_id,
        p.currency,
        p.checkout_sessions.created,
        p.checkout_sessions.completed,
        p.checkout_sessions.expired,
        p.checkout_sessions.conversion_rate,
      ]),
    },
    {
      id: 'trials',
      title: 'Trials to paid',
      columns: [
        col('Package', 'text'),
        col('Currency', 'text'),
        col('Trials started'),
        col('Converted'),
        col('Conversion', 'rate'),
      ],
      rows: r.packages
        .filter((p) => p.package_type === 'subscription')
        .map((p) => [p.package_id, p.currency, p.trials.started, p.trials.converted, p.trials.conversion_rate]),
    },
    {
      id: 'credits-by-pack',
      title: 'Credits per pack size',
      columns: [
        col('Pack', 'text'),
        col('Credits'),
        col('Purchases'),
        col('Granted'),
        col('Spent'),
        col('Expired'),
        col('Refunded'),
        col('Voided'),
        col('Expiration rate', 'rate'),
      ],
      rows: r.credit_usage.by_pack.map((p) => [
        p.package_id,
        p.credits,
        p.purchases,
        p.granted,
        p.spent,
        p.expired,
        p.refunded,
        p.voided,
        p.expiration_rate,
      ]),
    },
    {
      id: 'popular-packs',
      title: 'Most popular pack sizes',
      columns: [col('Pack', 'text'), col('Credits'), col('Purchases')],
      rows: r.credit_usage.most_popular_packs.map((p) => [p.package_id, p.credits, p.purchases]),
    },
    {
      id: 'credits-by-plan',
      title: 'Credits per plan type',
      columns: [
        col('Plan type', 'text'),
        col('Granted'),
        col('Spent'),
        col('Expired'),
        col('Refunded'),
        col('Voided'),
        col('Unmetered usage'),
      ],
      rows: r.credit_usage.by_plan_type.map((p) => [
        p.plan_type,
        p.granted,
        p.spent,
        p.expired,
        p.refunded,
        p.voided,
        p.unmetered_usage,
      ]),
    },
    {
      id: 'credits-daily',
      title: 'Credits granted, spent and expired per day',
      columns: [col('Date', 'text'), col('Granted'), col('Spent'), col('Expired')],
      rows: r.credit_usage.daily.map((d) => [d.date, d.granted, d.spent, d.expired]),
    },
  ];
}

function csvCell(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  // Quote what needs it; a leading =, +, - or @ would be read as a formula by spreadsheets.
  const guarded = /^[=+\-@]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\n\r]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** RFC 4180 CSV; money columns are minor units (the header says so) next to their currency. */
export function toCsv(table: AnalyticsTable): string {
  const header = table.columns.map((c) => csvCell(c.kind === 'money' ? `${c.label} (minor units)` : c.label));
  return [header.join(','), ...table.rows.map((row) => row.map(csvCell).join(','))].join('\r\n') + '\r\n';
}

export function csvFilename(id: TableId, range: { from: string; to: string }, currency: string | null): string {
  return `package-analytics-${id}-${range.from}-to-${range.to}${currency ? `-${currency}` : ''}.csv`;
}
