import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterMissing } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { diff } from '../context.js';
import { refreshValid } from '../billing/discounts.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export function registerCoupons(r: Router): void {
  r.add('POST', '/v1/coupons', ({ ctx, params: p }) => {
    accept(
      p,
      'CouponCreateParams',
      'id amount_off currency duration duration_in_months max_redemptions metadata name percent_off redeem_by',
    );
    const percent = p.str('percent_off');
    const amountOff = p.int('amount_off', { min: 1 });
    if (percent === undefined && amountOff === undefined) throw parameterMissing('percent_off');
    if (percent !== undefined && amountOff !== undefined) {
      throw invalidRequest('You may only specify one of these parameters: amount_off, percent_off.', 'amount_off');
    }
    const percentOff = percent === undefined ? null : Number(percent);
    if (percentOff !== null && !(percentOff > 0 && percentOff <= 100)) {
      throw invalidRequest('Invalid percent_off: must be greater than 0 and at most 100.', 'percent_off');
    }
    const currency = p.str('currency')?.toLowerCase() ?? null;
    if (amountOff !== undefined && !currency) throw parameterMissing('currency');
    const duration = p.oneOf('duration', ['forever', 'once', 'repeating'] as const) ?? 'once';
    const months = p.int('duration_in_months', { min: 1 });
    if (duration === 'repeating' && months === undefined) throw parameterMissing('duration_in_months');
    const id = p.str('id') ?? newId('', 8).slice(1);
    if (ctx.store.get('coupons', id)) {
      throw invalidRequest('Coupon already exists.', 'id', 'resource_already_exists');
    }
    const coupon: Stripe.Coupon = {
      id,
      object: 'coupon',
      amount_off: amountOff ?? null,
      created: ctx.store.now(),
      currency: amountOff !== undefined ? currency : null,
      duration,
      duration_in_months: duration === 'repeating' ? (months ?? null) : null,
      livemode: false,
      max_redemptions: p.int('max_redemptions', { min: 1 }) ?? null,
      metadata: mergeMetadata(null, p.metadata()),
      name: p.nullableStr('name') ?? null,
      percent_off: percentOff,
      redeem_by: p.int('redeem_by') ?? null,
      times_redeemed: 0,
      valid: true,
    };
    refreshValid(ctx, coupon);
    ctx.store.put('coupons', coupon);
    ctx.emit('coupon.created', coupon);
    ctx.changed();
    return coupon;
  });
  r.add('GET', '/v1/coupons/:id', ({ ctx, path }) => {
    const coupon = mustGet(ctx, 'coupons', path[0] ?? '');
    refreshValid(ctx, coupon);
    return coupon;
  });
  r.add('POST', '/v1/coupons/:id', ({ ctx, path, params: p }) => {
    accept(p, 'CouponUpdateParams', 'metadata name');
    const coupon = mustGet(ctx, 'coupons', path[0] ?? '');
    const before = structuredClone(coupon);
    const name = p.nullableStr('name');
    if (name !== undefined) coupon.name = name;
    coupon.metadata = mergeMetadata(coupon.metadata, p.metadata());
    const prev = diff(before, coupon);
    if (prev) ctx.emit('coupon.updated', coupon, prev);
    ctx.changed();
    return coupon;
  });
  r.add('DELETE', '/v1/coupons/:id', ({ ctx, path }) => {
    const coupon = mustGet(ctx, 'coupons', path[0] ?? '');
    // Discounts already redeemed keep working on Stripe, so the coupon is kept aside for them.
    ctx.store.delete('coupons', coupon.id);
    ctx.store.put('deleted_coupons', coupon);
    ctx.emit('coupon.deleted', coupon);
    ctx.changed();
    return { id: coupon.id, object: 'coupon', deleted: true };
  });
  r.add('GET', '/v1/coupons', ({ ctx, params: p, url }) => {
    const items = ctx.store.all('coupons').filter(createdFilter(p));
    items.forEach((c) => refreshValid(ctx, c));
    return paginate(newestFirst(items), p, url);
  });

  r.add('POST', '/v1/promotion_codes', ({ ctx, params: p }) => {
    accept(
      p,
      'PromotionCodeCreateParams',
      'active code customer expires_at max_redemptions metadata promotion restrictions',
    );
    const promotion = p.obj('promotion');
    if (!promotion) throw parameterMissing('promotion');
    promotion.allowOnly(['coupon', 'type']);
    if (promotion.reqStr('type') !== 'coupon')
      throw invalidRequest('promotion[type] must be coupon.', 'promotion[type]');
    const coupon = mustGet(ctx, 'coupons', promotion.reqStr('coupon'), 'promotion[coupon]');
    const code =
      p.str('code') ??
      Array.from({ length: 8 }, () => CODE_ALPHABET[Math.floor(Math.random() * CODE_ALPHABET.length)]).join('');
    const clash = ctx.store.all('promotion_codes').some((x) => x.active && x.code.toLowerCase() === code.toLowerCase());
    if (clash)
      throw invalidRequest(
        'An active promotion code with this code already exists.',
        'code',
        'resource_already_exists',
      );
    const customer = p.str('customer');
    if (customer) mustGet(ctx, 'customers', customer, 'customer');
    const restrictions = p.obj('restrictions');
    restrictions?.allowOnly(['first_time_transaction', 'minimum_amount', 'minimum_amount_currency']);
    const minimum = restrictions?.int('minimum_amount', { min: 0 }) ?? null;
    const minimumCurrency = restrictions?.str('minimum_amount_currency')?.toLowerCase() ?? null;
    if (minimum !== null && !minimumCurrency) throw parameterMissing('restrictions[minimum_amount_currency]');
    const promo: Stripe.PromotionCode = {
      id: newId('promo'),
      object: 'promotion_code',
      active: p.bool('active') ?? true,
      code,
      created: ctx.store.now(),
      customer: customer ?? null,
      customer_account: null,
      expires_at: p.int('expires_at') ?? null,
      livemode: false,
      max_redemptions: p.int('max_redemptions', { min: 1 }) ?? null,
      metadata: mergeMetadata(null, p.metadata()),
      promotion: { coupon: coupon.id, type: 'coupon' },
      restrictions: {
        first_time_transaction: restrictions?.bool('first_time_transaction') ?? false,
        minimum_amount: minimum,
        minimum_amount_currency: minimumCurrency,
      },
      times_redeemed: 0,
    };
    ctx.store.put('promotion_codes', promo);
    ctx.emit('promotion_code.created', promo);
    ctx.changed();
    return promo;
  });
  r.add('GET', '/v1/promotion_codes/:id', ({ ctx, path }) => mustGet(ctx, 'promotion_codes', path[0] ?? ''));
  r.add('POST', '/v1/promotion_codes/:id', ({ ctx, path, params: p }) => {
    accept(p, 'PromotionCodeUpdateParams', 'active metadata');
    const promo = mustGet(ctx, 'promotion_codes', path[0] ?? '');
    const before = structuredClone(promo);
    const active = p.bool('active');
    if (active !== undefined) promo.active = active;
    promo.metadata = mergeMetadata(promo.metadata, p.metadata());
    const prev = diff(before, promo);
    if (prev) ctx.emit('promotion_code.updated', promo, prev);
    ctx.changed();
    return promo;
  });
  r.add('GET', '/v1/promotion_codes', ({ ctx, params: p, url }) => {
    const code = p.str('code');
    const coupon = p.str('coupon');
    const customer = p.str('customer');
    const active = p.bool('active');
    const items = ctx.store
      .all('promotion_codes')
      .filter(createdFilter(p))
      .filter((x) => !code || x.code === code)
      .filter((x) => !coupon || x.promotion.coupon === coupon)
      .filter((x) => !customer || x.customer === customer)
      .filter((x) => active === undefined || x.active === active);
    return paginate(newestFirst(items), p, url);
  });
}
