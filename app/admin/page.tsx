import { notFound } from 'next/navigation';
import { packagePerformanceReport } from '@/lib/analytics';
import { requireUser } from '@/lib/auth/session';
import { formatMoney } from '@/lib/catalog';
import { getAppContext } from '@/lib/server/context';

export default async function AdminPage() {
  const user = await requireUser('/admin');
  if (!user.isPlatformAdmin) notFound();
  const rows = await packagePerformanceReport(getAppContext().db);
  return (
    <main className="mx-auto max-w-5xl px-4 py-10">
      <h1 className="mb-4 text-2xl font-bold">Package performance</h1>
      <table className="w-full text-left text-sm">
        <thead>
          <tr>
            <th>Package</th>
            <th>Currency</th>
            <th>Purchases</th>
            <th>Revenue</th>
            <th>Last 30 days</th>
            <th>Checkout conversion</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.package_id}-${r.currency}`} className="border-t">
              <td>{r.package_id}</td>
              <td>{r.currency ?? '—'}</td>
              <td>{r.total_purchases}</td>
              <td>{r.currency ? formatMoney(r.total_revenue, r.currency) : '—'}</td>
              <td>{r.currency ? formatMoney(r.revenue_last_30_days, r.currency) : '—'}</td>
              <td>{r.conversion_rate === null ? '—' : `${Math.round(r.conversion_rate * 100)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
