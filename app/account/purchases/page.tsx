import Link from 'next/link';
import { requireUser } from '@/lib/auth/session';
import { formatMoney } from '@/lib/catalog';
import { listPurchases } from '@/lib/purchases';
import { getAppContext } from '@/lib/server/context';

const PAGE = 20;

export default async function PurchasesPage({
  searchParams,
}: {
  searchParams: Promise<{ page?: string; checkout?: string }>;
}) {
  const user = await requireUser('/account/purchases');
  if (!user.team) return <main className="p-10">You are not in a team.</main>;
  const params = await searchParams;
  const page = Math.max(0, Number.parseInt(params.page ?? '0', 10) || 0);
  const result = await listPurchases(getAppContext().db, user.team.id, { limit: PAGE, offset: page * PAGE });
  return (
    <main className="mx-auto max-w-4xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">Purchase history</h1>
      {params.checkout === 'success' && (
        <p role="status" className="rounded bg-green-50 p-3 text-sm text-green-900">
          Thank you! Your payment went through; it appears here as soon as Stripe confirms it.
        </p>
      )}
      <table className="w-full text-left text-sm">
        <thead>
          <tr>
            <th>Date</th>
            <th>Package</th>
            <th>Amount</th>
            <th>Status</th>
          </tr>
        </thead>
        <tbody>
          {result.purchases.map((p) => (
            <tr key={p.id} className="border-t">
              <td>{p.purchased_at.slice(0, 10)}</td>
              <td>{p.package_name}</td>
              <td>
                {formatMoney(p.amount, p.currency)}
                {p.amount_refunded > 0 ? ` (refunded ${formatMoney(p.amount_refunded, p.currency)})` : ''}
                {p.refund_reason === 'duplicate_subscription' ? ' — a second plan, refunded automatically' : ''}
              </td>
              <td>{p.status.replace('_', ' ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {result.total === 0 && (
        <p className="text-sm text-slate-600">
          No purchases yet.{' '}
          <Link className="underline" href="/">
            See plans and packs
          </Link>
          .
        </p>
      )}
      <nav aria-label="Pages" className="flex gap-4 text-sm">
        {page > 0 && <Link href={`?page=${page - 1}`}>Newer</Link>}
        {(page + 1) * PAGE < result.total && <Link href={`?page=${page + 1}`}>Older</Link>}
      </nav>
    </main>
  );
}
