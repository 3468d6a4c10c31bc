import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PricingView } from '@/components/pricing/pricing-view';
import { CURRENCIES, type Currency } from '@/lib/catalog/packages';
import type { BillingInterval } from '@/lib/pricing/rules';
import { pricingMetadata } from '@/components/pricing/metadata';

export const metadata: Metadata = pricingMetadata;

// Only the variants built below exist; anything else is a 404 rather than a render on demand.
export const dynamicParams = false;
export const dynamic = 'error';

const BILLING_INTERVALS: readonly BillingInterval[] = ['month', 'year'];

export function generateStaticParams(): { currency: string; billing: string }[] {
  return CURRENCIES.flatMap((currency) => BILLING_INTERVALS.map((billing) => ({ currency, billing })));
}

/** The pricing page as a signed-out visitor sees it, for one currency and billing period. */
export default async function PrerenderedPricingPage({
  params,
}: {
  params: Promise<{ currency: string; billing: string }>;
}) {
  const { currency, billing } = await params;
  if (!CURRENCIES.includes(currency as Currency) || !BILLING_INTERVALS.includes(billing as BillingInterval)) notFound();
  return (
    <PricingView
      currency={currency as Currency}
      billing={billing as BillingInterval}
      team={null}
      signedIn={false}
      canBuy
      trialEligible
      params={{}}
    />
  );
}
