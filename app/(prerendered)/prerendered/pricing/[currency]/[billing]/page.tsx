import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { PricingView } from '@/components/pricing/pricing-view';
import { PRERENDERED_PRICING } from '@/lib/pricing/prerendered';
import { pricingMetadata } from '@/components/pricing/metadata';

export const metadata: Metadata = pricingMetadata;

// Only the variants built below exist; anything else is a 404 rather than a render on demand.
export const dynamicParams = false;
export const dynamic = 'error';

export function generateStaticParams(): { currency: string; billing: string }[] {
  return PRERENDERED_PRICING.map(({ currency, billing }) => ({ currency, billing }));
}

/** The pricing page as a signed-out visitor sees it, for one currency and billing period. */
export default async function PrerenderedPricingPage({
  params,
}: {
  params: Promise<{ currency: string; billing: string }>;
}) {
  const { currency, billing } = await params;
  const variant = PRERENDERED_PRICING.find((v) => v.currency === currency && v.billing === billing);
  if (!variant) notFound();
  return (
    <PricingView
      currency={variant.currency}
      billing={variant.billing}
      team={null}
      signedIn={false}
      canBuy
      trialEligible
      params={{}}
    />
  );
}
