import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { CreditsChart, GroupedBarChart, RevenueChart, type RevenuePoint } from '@/components/admin/analytics-charts';
import { performanceQuery, performanceReport, type PerformanceReport } from '@/lib/analytics';
import { analyticsTables, type AnalyticsTable, type Cell, type CellKind, type TableId } from '@/lib/analytics/tables';
import { requireUser } from '@/lib/auth/session';
import { formatMoney } from '@/lib/catalog';
import { AppError } from '@/lib/errors';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'Package analytics — AgileForge' };

type Search = { from?: string; to?: string; currency?: string };

function format(value: Cell, kind: CellKind, currency: string | null): string {
  if (value === null) return '—';
  if (kind === 'money' && typeof value === 'number' && currency) return formatMoney(value, currency);
  if (kind === 'rate' && typeof value === 'number') return `${(value * 100).toFixed(1)}%`;
  if (typeof value === 'number') return value.toLocaleString('en-GB');
  return value;
}

function DataTable({ table, exportHref, folded }: { table: AnalyticsTable; exportHref: string; folded?: boolean }) {
  const currencyAt = table.columns.findIndex((c) => c.label === 'Currency');
  const body = (
    <table className="w-full text-left text-sm" aria-label={table.title}>
      <thead>
        <tr className="border-b">
          {table.columns.map((c) => (
            <th key={c.label} scope="col" className={`px-2 py-1 ${c.kind === 'text' ? '' : 'text-right'}`}>
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((row, i) => (
          <tr key={i} className="border-t border-slate-200">
            {row.map((cell, j) => (
              <td key={j} className={`px-2 py-1 ${table.columns[j]!.kind === 'text' ? '' : 'text-right tabular-nums'}`}>
                {format(cell, table.columns[j]!.kind, currencyAt >= 0 ? String(row[currencyAt]) : null)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <div className="overflow-x-auto">
      {folded ? (
        // Long day-by-day tables start folded; <details> opens without JavaScript.
        <details>
          <summary className="cursor-pointer text-sm">Show all {table.rows.length} rows</summary>
          {body}
        </details>
      ) : (
        body
      )}
      <p className="mt-2 text-sm">
        <a className="underline" href={exportHref} download>
          Download “{table.title}” as CSV
        </a>
      </p>
    </div>
  );
}

function Section({ title, chart, children }: { title: string; chart?: React.ReactNode; children: React.ReactNode }) {
  const id = title.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-');
  return (
    <section aria-labelledby={id} className="space-y-3 rounded-lg bg-white p-4 shadow-sm">
      <h2 id={id} className="text-lg font-semibold">
        {title}
      </h2>
      {chart && <div aria-hidden="true">{chart}</div>}
      {children}
    </section>
  );
}

function chartData(r: PerformanceReport) {
  const currencies = r.totals.map((t) => t.currency);
  const revenue = new Map<string, RevenuePoint>();
  for (const d of r.daily) {
    const point = revenue.get(d.date) ?? { date: d.date };
    point[d.currency] = d.net_revenue / 100;
    revenue.set(d.date, point);
  }
  const byPackage = new Map<string, { label: string; [k: string]: number | string }>();
  for (const p of r.packages) {
    const point = byPackage.get(p.package_id) ?? { label: p.package_id };
    point[p.currency] = p.purchases;
    byPackage.set(p.package_id, point);
  }
  const funnel = r.totals.map((t) => ({
    label: t.currency.toUpperCase(),
    created: t.checkout_sessions.created,
    completed: t.checkout_sessions.completed,
    expired: t.checkout_sessions.expired,
  }));
  const trials = r.totals.map((t) => ({
    label: t.currency.toUpperCase(),
    started: t.trials.started,
    converted: t.trials.converted,
  }));
  return { currencies, revenue: [...revenue.values()], purchases: [...byPackage.values()], funnel, trials };
}

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser('/admin/analytics');
  if (!user.isPlatformAdmin) notFound();
  const search = await searchParams;
  const app = getAppContext();
  const wanted = Object.fromEntries(
    Object.entries(search).filter(([k, v]) => ['from', 'to', 'currency'].includes(k) && v),
  );
  let problem: string | null = null;
  let report: PerformanceReport;
  try {
    report = await performanceReport(app, performanceQuery.parse(wanted));
  } catch (err) {
    const issues = (err as { issues?: { message: string }[] }).issues;
    if (!(err instanceof AppError) && !issues) throw err;
    problem = issues ? issues.map((i) => i.message).join('; ') : (err as Error).message;
    report = await performanceReport(app, {});
  }
  const tables = Object.fromEntries(analyticsTables(report).map((t) => [t.id, t])) as Record<TableId, AnalyticsTable>;
  const params = new URLSearchParams({
    from: report.range.from,
    to: report.range.to,
    ...(report.currency ? { currency: report.currency } : {}),
  });
  const exportHref = (id: TableId) => `/admin/analytics/export?table=${id}&${params}`;
  const charts = chartData(report);
  const table = (id: TableId) => (
    <DataTable
      table={tables[id]}
      exportHref={exportHref(id)}
      folded={id === 'revenue-daily' || id === 'credits-daily'}
    />
  );

  return (
    <main className="mx-auto max-w-6xl space-y-6 px-4 py-10">
      <div>
        <h1 className="text-2xl font-bold">Package analytics</h1>
        <p className="text-sm text-slate-600">
          {report.range.from} to {report.range.to} ({report.range.days} days, UTC) ·{' '}
          {report.currency ? report.currency.toUpperCase() : 'all currencies, never added together'} · active
          subscriptions and MRR as of {report.as_of.slice(0, 16).replace('T', ' ')} UTC
        </p>
      </div>
      <form method="get" className="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 text-sm shadow-sm">
        <label className="flex flex-col">
          From
          <input type="date" name="from" defaultValue={report.range.from} className="rounded border px-2 py-1" />
        </label>
        <label className="flex flex-col">
          To
          <input type="date" name="to" defaultValue={report.range.to} className="rounded border px-2 py-1" />
        </label>
        <label className="flex flex-col">
          Currency
          <select name="currency" defaultValue={report.currency ?? ''} className="rounded border px-2 py-1">
            <option value="">All</option>
            <option value="usd">USD</option>
            <option value="gbp">GBP</option>
          </select>
        </label>
        <button type="submit" className="rounded bg-indigo-600 px-4 py-1.5 font-medium text-white">
          Show
        </button>
      </form>
      {problem && (
        <p role="alert" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          {problem}. Showing the last 30 days instead.
        </p>
      )}
      <Section title="Totals per currency">{table('totals')}</Section>
      <Section title="Revenue per day" chart={<RevenueChart data={charts.revenue} currencies={charts.currencies} />}>
        {table('revenue-daily')}
      </Section>
      <Section
        title="Purchases per package"
        chart={
          <GroupedBarChart
            data={charts.purchases}
            series={charts.currencies.map((c) => ({ key: c, name: `Purchases (${c.toUpperCase()})` }))}
          />
        }
      >
        {table('packages')}
      </Section>
      <Section
        title="Checkout funnel"
        chart={
          <GroupedBarChart
            data={charts.funnel}
            series={[
              { key: 'created', name: 'Sessions created' },
              { key: 'completed', name: 'Completed' },
              { key: 'expired', name: 'Expired' },
            ]}
          />
        }
      >
        {table('funnel')}
      </Section>
      <Section
        title="Trials to paid"
        chart={
          <GroupedBarChart
            data={charts.trials}
            series={[
              { key: 'started', name: 'Trials started' },
              { key: 'converted', name: 'Converted to paid' },
            ]}
          />
        }
      >
        {table('trials')}
      </Section>
      <Section title="Credits granted, spent and expired" chart={<CreditsChart data={report.credit_usage.daily} />}>
        {table('credits-daily')}
        <h3 className="pt-2 font-semibold">Per pack size</h3>
        {table('credits-by-pack')}
        <h3 className="pt-2 font-semibold">Most popular pack sizes</h3>
        {table('popular-packs')}
        <h3 className="pt-2 font-semibold">Per plan type</h3>
        {table('credits-by-plan')}
      </Section>
    </main>
  );
}
