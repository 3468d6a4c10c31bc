import { notFound } from 'next/navigation';
import { packagePerformance } from '@/db/schema';
import { requireUser } from '@/lib/auth/session';
import { formatMoney } from '@/lib/catalog';
import { getAppContext } from '@/lib/server/context';

export default async function AdminPage() {
  const user = await requireUser('/admin');
  if (!user.isPlatformAdmin) notFound();
  const rows = await getAppContext().db.select().from(packagePerformance);
  return (
    <main className="mx-auto max-w-5xl px-4 py-10">
      <h1 className="mb-4 text-2xl font-bold">Package performance</h1>
      <table className="w-full text-left text-sm">
        <thead><tr><th>Package</th><th>Currency</th><th>Purchases</th><th>Revenue</th><th>Last 30 days</th><th>Checkout conversion</th></tr></thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.packageId}-${r.currency}`} className="border-t">
              <td>{r.packageId}</td><td>{r.currency ?? '—'}</td><td>{r.totalPurchases}</td>
              <td>{r.currency ? formatMoney(r.totalRevenue, r.currency) : '—'}</td>
              <td>{r.currency ? formatMoney(r.revenueLast30Days, r.currency) : '—'}</td>
              <td>{r.conversionRate === null ? '—' : `${Math.round(Number(r.conversionRate) * 100)}%`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
