import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { getCurrentUser } from '@/components/layout/current-user';
import { pricingMetadata } from '@/components/pricing/metadata';
import { PricingView, type Search } from '@/components/pricing/pricing-view';
import { teamPricingContext, visitorPricing } from '@/lib/pricing';
import { getAppContext } from '@/lib/server/context';
import { roleAtLeast } from '@/lib/teams/membership';

export const metadata: Metadata = pricingMetadata;

/**
 * The pricing page rendered per request: for signed-in visitors (their team's plan, currency and
 * role) and for checkout state in the URL. Signed-out visitors get the prerendered variant.
 */
export default async function PricingPage({ searchParams }: { searchParams: Promise<Search> }) {
  const params = await searchParams;
  const user = await getCurrentUser();
  const team = user?.team ? await teamPricingContext(getAppContext().db, user.team.id) : null;
  const { currency, billing } = visitorPricing(params, (await headers()).get('accept-language'));
  return (
    <PricingView
      currency={team?.billingCurrency ?? currency}
      billing={billing}
      team={team}
      signedIn={Boolean(user)}
      canBuy={!user?.team || roleAtLeast(user.team.role, 'admin')}
      trialEligible={team ? team.trialEligible : true}
      params={params}
    />
  );
}
