import { sql } from 'drizzle-orm';
import { boolean, check, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { billingInterval, packageType } from './enums';

export type PackageLimits = {
  members: number | null; // null = unlimited
  projects: number | null;
  storageGb: number;
  monthlyStories: number | null; // null = unlimited
  storiesPerMember: boolean; // Professional: the allowance is per member
};

// Amount per currency in minor units, e.g. { usd: 1000, gbp: 800 }.
export type CurrencyAmounts = Record<string, number>;

// One row per sellable package; the catalog module is the source, the init script upserts it here.
export const stripeProducts = pgTable(
  'stripe_products',
  {
    id: text('id').primaryKey(),
    packageType: packageType('package_type').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    features: jsonb('features').$type<string[]>().notNull(),
    limits: jsonb('limits').$type<PackageLimits | null>(),
    credits: integer('credits'),
    validityDays: integer('validity_days'),
    interval: billingInterval('interval'),
    // The seed's own currency and amount; `prices` has every currency offered, this one included.
    currency: text('currency'),
    amount: integer('amount'),
    prices: jsonb('prices').$type<CurrencyAmounts>().notNull().default({}),
    stripeProductId: text('stripe_product_id').unique(),
    stripePriceId: text('stripe_price_id').unique(),
    lookupKey: text('lookup_key').unique(),
    active: boolean('active').notNull().default(true),
    sortOrder: integer('sort_order').notNull().default(0),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('stripe_products_amount_nonneg', sql`${t.amount} IS NULL OR ${t.amount} >= 0`),
    check(
      'stripe_products_pack_fields',
      sql`${t.packageType} <> 'credit_pack' OR (${t.credits} > 0 AND ${t.validityDays} > 0)`,
    ),
  ],
);
