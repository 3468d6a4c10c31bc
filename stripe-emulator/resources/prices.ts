import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterInvalid, parameterMissing } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import { createProduct } from './products.js';
import { decimalString, mustGet } from './util.js';
import { Params as P } from '../http/params.js';
import { accept, parameterUnsupported } from './accept.js';

/** Stripe's keys of `recurring` on a price (PriceCreateParams.Recurring). */
const RECURRING = ['interval', 'interval_count', 'meter', 'trial_period_days', 'usage_type'];

const INTERVALS = ['day', 'week', 'month', 'year'] as const;

/** The amount a price charges in `currency` (its own or a currency option), or null. */
export function unitAmountIn(price: Stripe.Price, currency: string): number | null {
  if (price.currency === currency) return price.unit_amount;
  return price.currency_options?.[currency]?.unit_amount ?? null;
}

export function priceProductId(price: Stripe.Price): string {
  return typeof price.product === 'string' ? price.product : price.product.id;
}

/** Moves or rejects a lookup key already used by another active price, as Stripe does. */
function claimLookupKey(ctx: Ctx, key: string, transfer: boolean, selfId: string | null): void {
  const holder = ctx.store.all('prices').find((x) => x.lookup_key === key && x.id !== selfId);
  if (!holder) return;
  if (!transfer) {
    throw invalidRequest(
      `A price (\`${holder.id}\`) already uses that lookup key. Use \`transfer_lookup_key\` to transfer it.`,
      'lookup_key',
    );
  }
  const before = structuredClone(holder);
  holder.lookup_key = null;
  ctx.emit('price.updated', holder, diff(before, holder));
}

function parseCurrencyOptions(p: Params, baseCurrency: string): Stripe.Price['currency_options'] {
  const opts = p.obj('currency_options');
  if (!opts) return undefined;
  const out: NonNullable<Stripe.Price['currency_options']> = {};
  for (const cur of Object.keys(opts.raw)) {
    const o = opts.obj(cur);
    if (!o) continue;
    const amount = o.reqInt('unit_amount', { min: 0 });
    out[cur.toLowerCase()] = {
      custom_unit_amount: null,
      tax_behavior: 'unspecified',
      unit_amount: amount,
      unit_amount_decimal: decimalString(amount),
    };
  }
  delete out[baseCurrency];
  return out;
}

export function createPrice(ctx: Ctx, p: Params): Stripe.Price {
  accept(
    p,
    'PriceCreateParams',
    'currency active currency_options lookup_key metadata nickname product product_data recurring tax_behavior transfer_lookup_key unit_amount',
  );
  const currency = p.reqStr('currency').toLowerCase();
  let productId = p.str('product');
  if (!productId) {
    const pd = p.obj('product_data');
    if (!pd) throw parameterMissing('product');
    productId = createProduct(ctx, new P(pd.raw, 'product_data'), true).id;
  } else {
    mustGet(ctx, 'products', productId, 'product');
  }
  const unitAmount = p.int('unit_amount', { min: 0 });
  if (unitAmount === undefined) throw parameterMissing('unit_amount');
  const rec = p.obj('recurring');
  let recurring: Stripe.Price.Recurring | null = null;
  if (rec) {
    // Only licensed per-unit billing is modelled; metered usage and price-level trials are refused.
    accept(rec, RECURRING, 'interval interval_count usage_type');
    if (rec.oneOf('usage_type', ['licensed', 'metered'] as const) === 'metered') {
      throw parameterUnsupported(rec.name('usage_type'));
    }
    const interval = rec.oneOf('interval', INTERVALS);
    if (!interval) throw parameterMissing('recurring[interval]');
    recurring = {
      interval,
      interval_count: rec.int('interval_count', { min: 1 }) ?? 1,
      meter: null,
      trial_period_days: null,
      usage_type: 'licensed',
    };
  }
  const lookupKey = p.nullableStr('lookup_key') ?? null;
  if (lookupKey) claimLookupKey(ctx, lookupKey, p.bool('transfer_lookup_key') ?? false, null);
  const price: Stripe.Price = {
    id: newId('price'),
    object: 'price',
    active: p.bool('active') ?? true,
    billing_scheme: 'per_unit',
    created: ctx.store.now(),
    currency,
    currency_options: parseCurrencyOptions(p, currency),
    custom_unit_amount: null,
    livemode: false,
    lookup_key: lookupKey,
    metadata: mergeMetadata(null, p.metadata()),
    nickname: p.nullableStr('nickname') ?? null,
    product: productId,
    recurring,
    tax_behavior: p.oneOf('tax_behavior', ['exclusive', 'inclusive', 'unspecified'] as const) ?? 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: unitAmount,
    unit_amount_decimal: decimalString(unitAmount),
  };
  if (!price.currency_options || Object.keys(price.currency_options).length === 0) delete price.currency_options;
  ctx.store.put('prices', price);
  ctx.emit('price.created', price);
  return price;
}

/** currency_options are includable: Stripe returns them only when expanded. */
function withCurrencyOptions(price: Stripe.Price, expand: string[]): Stripe.Price {
  if (!expand.some((e) => e === 'currency_options' || e === 'data.currency_options')) {
    const { currency_options: _omit, ...rest } = price;
    return rest as Stripe.Price;
  }
  const full = structuredClone(price);
  full.currency_options = {
    [price.currency]: {
      custom_unit_amount: null,
      tax_behavior: price.tax_behavior ?? 'unspecified',
      unit_amount: price.unit_amount,
      unit_amount_decimal: decimalString(price.unit_amount),
    },
    ...(price.currency_options ?? {}),
  };
  return full;
}

export function registerPrices(r: Router): void {
  const expandOf = (p: Params) => p.strList('expand') ?? [];
  r.add('POST', '/v1/prices', ({ ctx, params }) => withCurrencyOptions(createPrice(ctx, params), expandOf(params)));
  r.add('GET', '/v1/prices/:id', ({ ctx, path, params }) =>
    withCurrencyOptions(mustGet(ctx, 'prices', path[0] ?? ''), expandOf(params)),
  );
  r.add('POST', '/v1/prices/:id', ({ ctx, params: p, path }) => {
    const price = mustGet(ctx, 'prices', path[0] ?? '');
    accept(p, 'PriceUpdateParams', 'active currency_options lookup_key metadata nickname transfer_lookup_key');
    const before = structuredClone(price);
    const active = p.bool('active');
    if (active !== undefined) price.active = active;
    const lookupKey = p.nullableStr('lookup_key');
    if (lookupKey !== undefined) {
      if (lookupKey) claimLookupKey(ctx, lookupKey, p.bool('transfer_lookup_key') ?? false, price.id);
      price.lookup_key = lookupKey;
    }
    const nickname = p.nullableStr('nickname');
    if (nickname !== undefined) price.nickname = nickname;
    if (p.has('currency_options')) {
      price.currency_options = { ...(price.currency_options ?? {}), ...parseCurrencyOptions(p, price.currency) };
    }
    price.metadata = mergeMetadata(price.metadata, p.metadata());
    if (p.has('unit_amount'))
      throw parameterInvalid(
        'unit_amount',
        'Received unknown parameter: unit_amount. Prices are immutable: create a new price instead.',
      );
    const prev = diff(before, price);
    if (prev) ctx.emit('price.updated', price, prev);
    return withCurrencyOptions(price, expandOf(p));
  });
  r.add('GET', '/v1/prices', ({ ctx, params: p, url }) => {
    const active = p.bool('active');
    const product = p.str('product');
    const currency = p.str('currency');
    const type = p.oneOf('type', ['one_time', 'recurring'] as const);
    const lookupKeys = p.strList('lookup_keys');
    const items = ctx.store
      .all('prices')
      .filter(createdFilter(p))
      .filter((x) => active === undefined || x.active === active)
      .filter((x) => !product || x.product === product)
      .filter((x) => !currency || x.currency === currency)
      .filter((x) => !type || x.type === type)
      .filter((x) => !lookupKeys || (x.lookup_key !== null && lookupKeys.includes(x.lookup_key)));
    const page = paginate(newestFirst(items), p, url);
    return { ...page, data: page.data.map((x) => withCurrencyOptions(x, expandOf(p))) };
  });
}
