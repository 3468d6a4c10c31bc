import type { Metadata } from 'next';

export const pricingMetadata: Metadata = {
  title: 'Pricing',
  description: 'AgileForge plans, AI story credit packs and add-ons, in USD or GBP',
};
