import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Inbox } from 'lucide-react';
import { dateTime } from '@/components/pricing/format';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableCaption, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requireUser } from '@/lib/auth/session';
import { listSalesInquiries } from '@/lib/sales';
import { getAppContext } from '@/lib/server/context';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminPage() {
  const user = await requireUser('/admin');
  if (!user.isPlatformAdmin) notFound();
  const db = getAppContext().db;
  const sales = await listSalesInquiries(db, { limit: 50, offset: 0 });
  return (
    <main id="main" className="mx-auto max-w-6xl space-y-10 px-4 py-10">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Admin</h1>
        <Link className="text-primary underline" href="/admin/analytics">
          Package analytics
        </Link>
      </div>
      <section aria-labelledby="sales" className="space-y-3">
        <h2 id="sales" className="text-xl font-semibold">
          Enterprise enquiries <span className="text-muted-foreground tabular-nums">({sales.total})</span>
        </h2>
        {sales.total === 0 ? (
          <EmptyState icon={Inbox} title="No enquiries yet">
            Enquiries sent from the Contact sales form on the pricing page appear here.
          </EmptyState>
        ) : (
          <Table label="Enterprise enquiries">
            <TableCaption className="sr-only">Enterprise enquiries, newest first</TableCaption>
            <THead>
              <tr>
                <TH>Received</TH>
                <TH>From</TH>
                <TH>Company</TH>
                <TH numeric>Team size</TH>
                <TH>Message</TH>
              </tr>
            </THead>
            <TBody>
              {sales.inquiries.map((i) => (
                <TR key={i.id}>
                  <TD className="whitespace-nowrap">{dateTime(i.createdAt)}</TD>
                  <TD>
                    {i.name}
                    <br />
                    <a className="text-primary underline" href={`mailto:${i.email}`}>
                      {i.email}
                    </a>
                  </TD>
                  <TD>{i.company}</TD>
                  <TD numeric>{i.teamSize ?? '—'}</TD>
                  <TD className="max-w-md whitespace-pre-wrap">{i.message}</TD>
                </TR>
              ))}
            </TBody>
          </Table>
        )}
      </section>
    </main>
  );
}
