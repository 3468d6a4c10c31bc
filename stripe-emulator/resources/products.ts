import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { mustGet } from './util.js';
import type { Ctx } from '../context.js';
import { diff } from '../context.js';
import type { Params } from '../http/params.js';
import { accept } from './accept.js';

const CREATE = 'name active description id images metadata statement_descriptor unit_label url';
/** Stripe's keys of a price's `product_data` (PriceCreateParams.ProductData). */
const PRODUCT_DATA = [
  'active',
  'id',
  'metadata',
  'name',
  'statement_descriptor',
  'tax_code',
  'tax_details',
  'unit_label',
];

/** `nested`: the `product_data` hash of a price, whose keys are a subset of a product's. */
export function createProduct(ctx: Ctx, p: Params, nested = false): Stripe.Product {
  accept(p, nested ? PRODUCT_DATA : 'ProductCreateParams', CREATE);
  const id = p.str('id') || newId('prod', 14);
  if (ctx.store.get('products', id)) {
    throw invalidRequest(`Product already exists.`, 'id', 'resource_already_exists');
  }
  const now = ctx.store.now();
  const product: Stripe.Product = {
    id,
    object: 'product',
    active: p.bool('active') ?? true,
    created: now,
    default_price: null,
    description: p.nullableStr('description') ?? null,
    images: p.strList('images') ?? [],
    livemode: false,
    marketing_features: [],
    metadata: mergeMetadata(null, p.metadata()),
    name: p.reqStr('name'),
    package_dimensions: null,
    shippable: null,
    statement_descriptor: p.nullableStr('statement_descriptor') ?? null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: p.nullableStr('unit_label') ?? null,
    updated: now,
    url: p.nullableStr('url') ?? null,
  };
  ctx.store.put('products', product);
  ctx.emit('product.created', product);
  return product;
}

export function registerProducts(r: Router): void {
  r.add('POST', '/v1/products', ({ ctx, params }) => createProduct(ctx, params));
  r.add('GET', '/v1/products/:id', ({ ctx, path }) => mustGet(ctx, 'products', path[0] ?? ''));
  r.add('POST', '/v1/products/:id', ({ ctx, params: p, path }) => {
    const product = mustGet(ctx, 'products', path[0] ?? '');
    accept(
      p,
      'ProductUpdateParams',
      'active default_price description images metadata name statement_descriptor unit_label url',
    );
    const before = structuredClone(product);
    const name = p.str('name');
    if (name !== undefined) {
      if (!name) throw invalidRequest('You cannot unset the name of a product.', 'name');
      product.name = name;
    }
    const active = p.bool('active');
    if (active !== undefined) product.active = active;
    const description = p.nullableStr('description');
    if (description !== undefined) product.description = description;
    const images = p.strList('images');
    if (images !== undefined) product.images = images;
    const defaultPrice = p.nullableStr('default_price');
    if (defaultPrice !== undefined) {
      if (defaultPrice) mustGet(ctx, 'prices', defaultPrice, 'default_price');
      product.default_price = defaultPrice;
    }
    const statementDescriptor = p.nullableStr('statement_descriptor');
    if (statementDescriptor !== undefined) product.statement_descriptor = statementDescriptor;
    const unitLabel = p.nullableStr('unit_label');
    if (unitLabel !== undefined) product.unit_label = unitLabel;
    const url = p.nullableStr('url');
    if (url !== undefined) product.url = url;
    product.metadata = mergeMetadata(product.metadata, p.metadata());
    product.updated = ctx.store.now();
    const prev = diff(before, product);
    if (prev) ctx.emit('product.updated', product, prev);
    return product;
  });
  r.add('GET', '/v1/products', ({ ctx, params: p, url }) => {
    const active = p.bool('active');
    const ids = p.strList('ids');
    const items = ctx.store
      .all('products')
      .filter(createdFilter(p))
      .filter((x) => active === undefined || x.active === active)
      .filter((x) => !ids || ids.includes(x.id));
    return paginate(newestFirst(items), p, url);
  });
  r.add('DELETE', '/v1/products/:id', ({ ctx, path }) => {
    const product = mustGet(ctx, 'products', path[0] ?? '');
    if (ctx.store.all('prices').some((pr) => pr.product === product.id)) {
      throw invalidRequest('This product cannot be deleted because it has one or more user-created prices.');
    }
    ctx.store.delete('products', product.id);
    ctx.emit('product.deleted', product);
    return { id: product.id, object: 'product', deleted: true };
  });
}
