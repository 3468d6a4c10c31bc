import type { CurrencyAmounts, PackageLimits } from '@/db/schema/catalog';

export type PackageType = 'subscription' | 'credit_pack' | 'addon' | 'enterprise';
export type Currency = 'usd' | 'gbp';
export const CURRENCIES: readonly Currency[] = ['usd', 'gbp'];

export interface PackageDefinition {
  id: string;
  packageType: PackageType;
  name: string;
  description: string;
  features: string[];
  limits: PackageLimits | null;
  credits: number | null;
  validityDays: number | null;
  interval: 'month' | 'year' | null;
  /** The seed's own currency and amount, kept exactly. null for free/contact-sales packages. */
  currency: Currency | null;
  amount: number | null;
  /** Every currency offered (minor units); the seed's currency included. */
  prices: CurrencyAmounts;
  /** Plans only: the plan family (`professional`), shared by monthly and annual. */
  plan: string | null;
  priorityProcessing: boolean;
  sortOrder: number;
}

const starterLimits: PackageLimits = {
  members: 3,
  projects: 5,
  storageGb: 1,
  monthlyStories: 25,
  storiesPerMember: false,
};
const professionalLimits: PackageLimits = {
  members: null,
  projects: null,
  storageGb: 50,
  monthlyStories: 200,
  storiesPerMember: true,
};
const businessLimits: PackageLimits = {
  members: null,
  projects: null,
  storageGb: 200,
  monthlyStories: null,
  storiesPerMember: false,
};

const professionalFeatures = [
  'Unlimited team members',
  '200 AI stories monthly per user',
  'Unlimited projects',
  '50GB storage',
  'Advanced integrations',
  'Email support',
];
const businessFeatures = [
  'Everything in Professional',
  'Unlimited AI story generation',
  '200GB storage',
  'Priority support',
  'SSO',
  'API access',
  'Advanced analytics',
];

function plan(
  id: string,
  p: Omit<PackageDefinition, 'id' | 'packageType' | 'credits' | 'validityDays' | 'priorityProcessing'>,
): PackageDefinition {
  return { id, packageType: 'subscription', credits: null, validityDays: null, priorityProcessing: false, ...p };
}

function pack(
  id: string,
  credits: number,
  validityDays: number,
  gbp: number,
  usd: number,
  extra: { name: string; description: string; features: string[]; priorityProcessing?: boolean; sortOrder: number },
): PackageDefinition {
  return {
    id,
    packageType: 'credit_pack',
    limits: null,
    credits,
    validityDays,
    interval: null,
    currency: 'gbp',
    amount: gbp,
    prices: { gbp, usd },
    plan: null,
    priorityProcessing: extra.priorityProcessing ?? false,
    name: extra.name,
    description: extra.description,
    features: extra.features,
    sortOrder: extra.sortOrder,
  };
}

function addon(
  id: string,
  gbp: number,
  usd: number,
  extra: { name: string; description: string; features: string[]; sortOrder: number },
): PackageDefinition {
  return {
    id,
    packageType: 'addon',
    limits: null,
    credits: null,
    validityDays: null,
    interval: 'month',
    currency: 'gbp',
    amount: gbp,
    prices: { gbp, usd },
    plan: null,
    priorityProcessing: false,
    ...extra,
  };
}

/**
 * The catalog of the seed: one source of truth for ids, amounts, intervals, features and limits.
 * Amounts in the seed's currency are the seed's exactly; the counterparts in the other
 * currency are round local prices chosen by us (a team pays in one currency throughout).
 */
export const PACKAGES: readonly PackageDefinition[] = [
  plan('starter', {
    name: 'Starter Team',
    description: 'Free for small teams getting started',
    features: [
      'Up to 3 team members',
      '25 AI-generated stories monthly',
      '5 projects',
      '1GB storage',
      'Basic features',
      'Community support',
    ],
    limits: starterLimits,
    interval: null,
    currency: null,
    amount: null,
    prices: {},
    plan: 'starter',
    sortOrder: 10,
  }),
  plan('professional_monthly', {
    name: 'Professional',
    description: 'For growing teams, billed monthly',
    features: professionalFeatures,
    limits: professionalLimits,
    interval: 'month',
    currency: 'usd',
    amount: 1000,
    prices: { usd: 1000, gbp: 800 },
    plan: 'professional',
    sortOrder: 20,
  }),
  plan('professional_annual', {
    name: 'Professional (annual)',
    description: 'For growing teams, billed yearly',
    features: professionalFeatures,
    limits: professionalLimits,
    interval: 'year',
    currency: 'usd',
    amount: 10000,
    prices: { usd: 10000, gbp: 8000 },
    plan: 'professional',
    sortOrder: 21,
  }),
  plan('business_monthly', {
    name: 'Business',
    description: 'For organisations that need scale and control, billed monthly',
    features: businessFeatures,
    limits: businessLimits,
    interval: 'month',
    currency: 'usd',
    amount: 1800,
    prices: { usd: 1800, gbp: 1500 },
    plan: 'business',
    sortOrder: 30,
  }),
  plan('business_annual', {
    name: 'Business (annual)',
    description: 'For organisations that need scale and control, billed yearly',
    features: businessFeatures,
    limits: businessLimits,
    interval: 'year',
    currency: 'usd',
    amount: 18000,
    prices: { usd: 18000, gbp: 15000 },
    plan: 'business',
    sortOrder: 31,
  }),
  {
    id: 'enterprise',
    packageType: 'enterprise',
    name: 'Enterprise',
    description: 'Custom pricing and features for large organisations: contact sales',
    features: ['Everything in Business', 'Custom contracts and invoicing', 'Dedicated support', 'Custom limits'],
    limits: null,
    credits: null,
    validityDays: null,
    interval: null,
    currency: null,
    amount: null,
    prices: {},
    plan: 'enterprise',
    priorityProcessing: false,
    sortOrder: 40,
  },
  pack('credits_50', 50, 90, 500, 600, {
    name: '50 AI Stories',
    description: '50 additional AI-generated user stories',
    features: ['50 additional AI-generated user stories', 'Valid for 90 days', 'Works with any plan'],
    sortOrder: 50,
  }),
  pack('credits_100', 100, 90, 900, 1100, {
    name: '100 AI Stories',
    description: '100 additional AI-generated user stories (10% discount)',
    features: ['100 additional AI-generated user stories', 'Valid for 90 days', '10% discount'],
    sortOrder: 51,
  }),
  pack('credits_250', 250, 120, 2000, 2500, {
    name: '250 AI Stories',
    description: '250 additional AI-generated user stories (20% discount)',
    features: [
      '250 additional AI-generated user stories',
      'Valid for 120 days',
      'Priority AI processing',
      '20% discount',
    ],
    priorityProcessing: true,
    sortOrder: 52,
  }),
  addon('addon_storage', 200, 300, {
    name: 'Extra Storage',
    description: 'Additional 10GB storage',
    features: ['Additional 10GB storage', 'File versioning', 'Automatic backups'],
    sortOrder: 60,
  }),
  addon('addon_priority_support', 500, 600, {
    name: 'Priority Support',
    description: '4-hour response time and phone support',
    features: ['4-hour response time', 'Phone support during business hours'],
    sortOrder: 61,
  }),
  addon('addon_integrations', 800, 1000, {
    name: 'Advanced Integrations',
    description: 'Salesforce, Azure DevOps, Confluence, Notion and custom webhooks',
    features: ['Salesforce', 'Azure DevOps', 'Confluence', 'Notion', 'Custom webhook endpoints'],
    sortOrder: 62,
  }),
];

export const STORAGE_ADDON_GB = 10;

export function findPackage(id: string): PackageDefinition | undefined {
  return PACKAGES.find((p) => p.id === id);
}

/** Packages that go through Stripe (have a price). */
export function isPurchasable(p: PackageDefinition): boolean {
  return p.amount !== null && p.amount > 0;
}
