import Link from 'next/link';
import { connection } from 'next/server';
import { listPackages } from '@/lib/catalog';
import { getAppContext } from '@/lib/server/context';
import { PackageCard } from '@/components/pricing/package-card';

const SECTIONS = [
  { type: 'subscription', title: 'Plans' },
  { type: 'enterprise', title: 'Enterprise' },
  { type: 'credit_pack', title: 'AI story credit packs' },
  { type: 'addon', title: 'Add-ons (monthly, on a paid plan)' },
] as const;

export default async function PricingPage({ searchParams }: { searchParams: Promise<{ currency?: string }> }) {
  await connection();
  const { currency: requested } = await searchParams;
  const currency = requested === 'gbp' ? 'gbp' : 'usd';
  const app = getAppContext();
  const packages = await listPackages(app, { teamCurrency: currency });
  return (
    <main className="mx-auto max-w-6xl px-4 py-10">
      <header className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-3xl font-bold">AgileForge pricing</h1>
          <p className="text-slate-600">Plans for every team, AI story credits when you need more.</p>
        </div>
        <nav aria-label="Currency" className="flex gap-2 text-sm">
          <Link
            href="/?currency=usd"
            aria-current={currency === 'usd' ? 'true' : undefined}
            className={currency === 'usd' ? 'font-bold underline' : ''}
          >
            USD
          </Link>
          <Link
            href="/?currency=gbp"
            aria-current={currency === 'gbp' ? 'true' : undefined}
            className={currency === 'gbp' ? 'font-bold underline' : ''}
          >
            GBP
          </Link>
        </nav>
      </header>
      {SECTIONS.map((section) => (
        <section key={section.type} className="mt-8" aria-labelledby={`section-${section.type}`}>
          <h2 id={`section-${section.type}`} className="mb-3 text-xl font-semibold">
            {section.title}
          </h2>
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {packages
              .filter((p) => p.package_type === section.type)
              .map((p) => (
                <PackageCard key={p.id} pkg={p} currency={currency} />
              ))}
          </div>
        </section>
      ))}
    </main>
  );
}
