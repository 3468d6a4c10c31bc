import type Stripe from 'stripe';
import type { Logger } from '@/lib/logger';
import { isPurchasable, type PackageDefinition } from './packages';

export interface StripeCatalogIds {
  packageId: string;
  stripeProductId: string;
  stripePriceId: string;
  lookupKey: string;
}

export interface StripeSyncReport {
  productsCreated: number;
  productsUpdated: number;
  pricesCreated: number;
  pricesArchived: number;
  ids: StripeCatalogIds[];
}

/** Product ids are ours, so a rerun finds the same product instead of making another. */
export function stripeProductIdFor(packageId: string): string {
  return `af_${packageId}`;
}

function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === 'resource_missing';
}

function priceMatches(price: Stripe.Price, pkg: PackageDefinition): boolean {
  if (price.currency !== pkg.currency || price.unit_amount !== pkg.amount) return false;
  if ((price.recurring?.interval ?? null) !== pkg.interval) return false;
  for (const [currency, amount] of Object.entries(pkg.prices)) {
    if (currency === pkg.currency) continue;
    if (price.currency_options?.[currency]?.unit_amount !== amount) return false;
  }
  return true;
}

async function ensureProduct(
  stripe: Stripe,
  pkg: PackageDefinition,
  logger: Logger,
  report: StripeSyncReport,
): Promise<string> {
  const id = stripeProductIdFor(pkg.id);
  const wanted = {
    name: pkg.name,
    description: pkg.description,
    metadata: { package_id: pkg.id, package_type: pkg.packageType },
  };
  try {
    const existing = await stripe.products.retrieve(id);
    if (existing.name !== wanted.name || existing.description !== wanted.description || !existing.active) {
      await stripe.products.update(id, { ...wanted, active: true });
      report.productsUpdated++;
    }
  } catch (err) {
    if (!isMissing(err)) throw err;
    await stripe.products.create({ id, ...wanted }, { idempotencyKey: `catalog-product-${id}` });
    report.productsCreated++;
    logger.info({ packageId: pkg.id, stripeProductId: id }, 'Created Stripe product');
  }
  return id;
}

async function ensurePrice(
  stripe: Stripe,
  pkg: PackageDefinition,
  productId: string,
  report: StripeSyncReport,
): Promise<string> {
  const lookupKey = pkg.id;
  const found = await stripe.prices.list({
    lookup_keys: [lookupKey],
    active: true,
    limit: 1,
    expand: ['data.currency_options'],
  });
  const current = found.data[0];
  if (current && priceMatches(current, pkg) && current.product === productId) return current.id;

  const currencyOptions: Record<string, { unit_amount: number }> = {};
  for (const [currency, amount] of Object.entries(pkg.prices)) {
    if (currency !== pkg.currency) currencyOptions[currency] = { unit_amount: amount };
  }
  const created = await stripe.prices.create({
    product: productId,
    currency: pkg.currency!,
    unit_amount: pkg.amount!,
    currency_options: currencyOptions,
    lookup_key: lookupKey,
    // Moves the lookup key from the old price, so checkout always finds the current amount.
    transfer_lookup_key: true,
    nickname: pkg.name,
    metadata: { package_id: pkg.id },
    ...(pkg.interval ? { recurring: { interval: pkg.interval } } : {}),
  });
  report.pricesCreated++;
  if (current) {
    await stripe.prices.update(current.id, { active: false });
    report.pricesArchived++;
  }
  return created.id;
}

/** Creates or updates the Stripe products and prices of the catalog; a second run creates nothing. */
export async function syncCatalogToStripe(
  deps: { stripe: Stripe; logger: Logger },
  packages: readonly PackageDefinition[],
): Promise<StripeSyncReport> {
  const report: StripeSyncReport = {
    productsCreated: 0,
    productsUpdated: 0,
    pricesCreated: 0,
    pricesArchived: 0,
    ids: [],
  };
  for (const pkg of packages.filter(isPurchasable)) {
    const productId = await ensureProduct(deps.stripe, pkg, deps.logger, report);
    const priceId = await ensurePrice(deps.stripe, pkg, productId, report);
    report.ids.push({ packageId: pkg.id, stripeProductId: productId, stripePriceId: priceId, lookupKey: pkg.id });
  }
  return report;
}
