import type { PackageResponse } from '@/lib/catalog/presenter';
import { formatMoney } from '@/lib/catalog/presenter';
import { BuyButton } from './buy-button';

function priceLabel(pkg: PackageResponse, currency: string): string {
  if (pkg.contact_sales) return 'Custom pricing';
  const price = pkg.prices.find((p) => p.currency === currency) ?? pkg.prices[0];
  if (!price) return 'Free';
  const suffix = price.interval === 'month' ? ' / month' : price.interval === 'year' ? ' / year' : '';
  return `${formatMoney(price.amount, price.currency)}${suffix}`;
}

export function PackageCard({ pkg, currency }: { pkg: PackageResponse; currency: string }) {
  const free = pkg.prices.length === 0 && !pkg.contact_sales;
  return (
    <article
      className="flex flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
      aria-labelledby={`pkg-${pkg.id}`}
    >
      <h3 id={`pkg-${pkg.id}`} className="text-lg font-semibold">
        {pkg.name}
      </h3>
      <p className="mt-1 text-sm text-slate-600">{pkg.description}</p>
      <p className="mt-3 text-2xl font-bold" data-testid={`price-${pkg.id}`}>
        {priceLabel(pkg, currency)}
      </p>
      <ul className="mt-3 flex-1 space-y-1 text-sm">
        {pkg.features.map((f) => (
          <li key={f}>✓ {f}</li>
        ))}
      </ul>
      <div className="mt-4">
        {pkg.contact_sales ? (
          <a
            className="inline-block rounded bg-slate-800 px-4 py-2 text-sm font-medium text-white"
            href="mailto:sales@agileforge.example?subject=Enterprise%20plan"
          >
            Contact sales
          </a>
        ) : free ? (
          <span className="text-sm text-slate-500">Included with every team</span>
        ) : (
          <BuyButton
            packageId={pkg.id}
            currency={currency}
            label={pkg.package_type === 'addon' ? 'Add to plan' : 'Buy'}
            isAddon={pkg.package_type === 'addon'}
          />
        )}
      </div>
    </article>
  );
}
