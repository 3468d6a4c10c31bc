import type { Metadata } from 'next';
import Link from 'next/link';
import { ExternalLink, Receipt } from 'lucide-react';
import { dateTime, money } from '@/components/pricing/format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requireUser } from '@/lib/auth/session';
import { listPurchases } from '@/lib/purchases';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'Purchase history' };

const PAGE = 20;
const STATUS = {
  paid: { label: 'Paid', variant: 'success' },
  refunded: { label: 'Refunded', variant: 'secondary' },
  partially_refunded: { label: 'Partially refunded', variant: 'warning' },
} as const;

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
    <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-10">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Purchase history</h1>
          <p className="text-sm text-muted-foreground">Every payment by {user.team.name}, newest first.</p>
        </div>
        <Button asChild variant="outline" size="sm">
          <Link href="/pricing#packs">Buy credits</Link>
        </Button>
      </div>
      {params.checkout === 'success' && (
        <Alert variant="success" role="status" title="Thank you!">
          Your payment went through; it appears here as soon as Stripe confirms it.
        </Alert>
      )}
      {result.total === 0 ? (
        <EmptyState
          icon={Receipt}
          title="No purchases yet"
          action={
            <Button asChild>
              <Link href="/pricing#packs">See plans and packs</Link>
            </Button>
          }
        >
          Plans, credit packs and add-ons your team buys are listed here with their receipts.
        </EmptyState>
      ) : (
        <Table label="Purchases">
          <TableCaption className="sr-only">Purchases</TableCaption>
          <THead>
            <tr>
              <TH>Date</TH>
              <TH>Package</TH>
              <TH numeric>Amount</TH>
              <TH>Status</TH>
              <TH>
                <span className="sr-only">Receipt</span>
              </TH>
            </tr>
          </THead>
          <TBody>
            {result.purchases.map((p) => {
              const status = STATUS[p.status];
              return (
                <TR key={p.id}>
                  <TD className="whitespace-nowrap">{dateTime(p.purchased_at)}</TD>
                  <TD>{p.package_name}</TD>
                  <TD numeric>{money(p.amount, p.currency)}</TD>
                  <TD>
                    <Badge variant={status.variant}>{status.label}</Badge>
                    {p.amount_refunded > 0 && (
                      <span className="ml-2 text-xs text-muted-foreground tabular-nums">
                        {money(p.amount_refunded, p.currency)} back
                      </span>
                    )}
                    {p.refund_reason === 'duplicate_subscription' && (
                      <span className="ml-2 text-xs text-muted-foreground">a second plan, refunded automatically</span>
                    )}
                  </TD>
                  <TD>
                    <a
                      className="inline-flex items-center gap-1 text-primary underline-offset-4 hover:underline"
                      href={`/account/purchases/${p.id}/receipt`}
                      target="_blank"
                      rel="noopener"
                    >
                      Receipt
                      <ExternalLink className="size-3.5" aria-hidden="true" />
                      <span className="sr-only">(opens in a new tab)</span>
                    </a>
                  </TD>
                </TR>
              );
            })}
          </TBody>
        </Table>
      )}
      <Pagination
        label="Purchase pages"
        page={page}
        pageSize={PAGE}
        total={result.total}
        hrefFor={(n) => `/account/purchases?page=${n}`}
      />
    </main>
  );
}
