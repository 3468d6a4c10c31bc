import type Stripe from 'stripe';
import { discountAmount, parseDiscounts } from '../billing/discounts.js';
import { checkoutSetupIntent } from '../billing/checkout-setup.js';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterInvalid, parameterMissing } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { registerVirtualField } from '../http/expand.js';
import { newId } from '../ids.js';
import type { Ctx } from '../context.js';
import type { CheckoutExtras } from '../state.js';
import { mustGet } from './util.js';
import { refuseUnimplemented } from './known-params.js';
import { priceProductId, unitAmountIn } from './prices.js';
import { embeddedPrice, checkIntervals } from '../billing/subscriptions.js';
import { expireSession } from '../billing/expiry.js';

function buildLineItems(
  ctx: Ctx,
  p: Params,
  mode: string,
  currency: string | undefined,
): { items: Stripe.LineItem[]; currency: string } {
  const list = p.list('line_items');
  if (!list || list.length === 0) throw parameterMissing('line_items');
  const prices: Stripe.Price[] = [];
  const items: Array<{ price: Stripe.Price; quantity: number; param: string }> = [];
  for (const [i, li] of list.entries()) {
    const param = `line_items[${i}][price]`;
    if (li.has('price_data'))
      throw invalidRequest(
        'price_data is not supported by the emulator; create a Price first.',
        `line_items[${i}][price_data]`,
      );
    const price = mustGet(ctx, 'prices', li.reqStr('price'), param);
    if (!price.active)
      throw invalidRequest('The price specified is inactive. This field only accepts active prices.', param);
    if (mode === 'payment' && price.type === 'recurring') {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        param,
      );
    }
    prices.push(price);
    items.push({ price, quantity: li.int('quantity', { min: 1 }) ?? 1, param });
  }
  if (mode === 'subscription' && !prices.some((x) => x.type === 'recurring')) {
    throw invalidRequest(
      'You must provide at least one recurring price in `subscription` mode when using prices.',
      'line_items',
    );
  }
  const cur = (currency ?? prices[0]?.currency ?? 'usd').toLowerCase();
  const out = items.map(({ price, quantity, param }) => {
    const unit = unitAmountIn(price, cur);
    if (unit === null)
      throw invalidRequest(
        `The price \`${price.id}\` does not have a \`${cur}\` amount (add it with currency_options).`,
        param,
      );
    const total = unit * quantity;
    const product = ctx.store.get('products', priceProductId(price));
    const item: Stripe.LineItem = {
      id: newId('li'),
      object: 'item',
      adjustable_quantity: null,
      amount_discount: 0,
      amount_subtotal: total,
      amount_tax: 0,
      amount_total: total,
      currency: cur,
      description: product?.name ?? '',
      metadata: {},
      price: embeddedPrice(price),
      quantity,
    };
    return item;
  });
  return { items: out, currency: cur };
}

function parseSubscriptionData(p: Params, mode: string): CheckoutExtras['subscription_data'] {
  const sd = p.obj('subscription_data');
  if (!sd)
    return mode === 'subscription'
      ? { trial_period_days: null, metadata: {}, billing_mode: 'flexible', description: null }
      : null;
  if (mode !== 'subscription')
    throw invalidRequest('`subscription_data` can only be used in `subscription` mode.', 'subscription_data');
  // Flexible is the default for new subscriptions since API 2025-09-30.clover.
  const billingMode = sd.obj('billing_mode')?.oneOf('type', ['classic', 'flexible'] as const) ?? 'flexible';
  return {
    trial_period_days: sd.int('trial_period_days', { min: 1, max: 730 }) ?? null,
    metadata: mergeMetadata(null, sd.metadata()),
    billing_mode: billingMode,
    description: sd.nullableStr('description') ?? null,
  };
}

export function createCheckoutSession(ctx: Ctx, p: Params): Stripe.Checkout.Session {
  refuseUnimplemented(p, 'checkoutSessionCreate');
  const mode = p.oneOf('mode', ['payment', 'subscription', 'setup'] as const);
  if (!mode) throw parameterMissing('mode');
  const customerId = p.str('customer');
  const customerEmail = p.str('customer_email');
  if (customerId && customerEmail) {
    throw invalidRequest('You may only specify one of these parameters: customer, customer_email.', 'customer_email');
  }
  const customer = customerId ? mustGet(ctx, 'customers', customerId, 'customer') : null;
  if (mode === 'setup' && p.has('line_items')) {
    throw invalidRequest('You cannot pass `line_items` in `setup` mode.', 'line_items');
  }
  const { items, currency } =
    mode === 'setup'
      ? { items: [], currency: p.str('currency')?.toLowerCase() ?? null }
      : buildLineItems(ctx, p, mode, p.str('currency'));
  const subscriptionData = parseSubscriptionData(p, mode);
  if (mode === 'subscription')
    checkIntervals(
      subscriptionData?.billing_mode ?? 'flexible',
      items.map((i) => i.price as Stripe.Price).filter((x) => x.recurring),
      'line_items',
    );
  const pid = p.obj('payment_intent_data');
  if (pid && mode !== 'payment')
    throw invalidRequest('`payment_intent_data` can only be used in `payment` mode.', 'payment_intent_data');
  const now = ctx.store.now();
  const expiresAt = p.int('expires_at') ?? now + 24 * 3600;
  if (expiresAt < now + 30 * 60 - 5 || expiresAt > now + 24 * 3600 + 5) {
    throw parameterInvalid(
      'expires_at',
      'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
    );
  }
  const customerCreation = p.oneOf('customer_creation', ['always', 'if_required'] as const);
  if (customerCreation && mode === 'subscription')
    throw invalidRequest('`customer_creation` can only be used in `payment` and `setup` mode.', 'customer_creation');
  const clientRef = p.str('client_reference_id');
  if (clientRef && clientRef.length > 200) throw parameterInvalid('client_reference_id');
  const subtotal = items.reduce((s, i) => s + i.amount_subtotal, 0);
  const trial = subscriptionData?.trial_period_days ?? null;
  if (p.has('discounts') && p.bool('allow_promotion_codes')) {
    throw invalidRequest(
      'You may only specify one of these parameters: allow_promotion_codes, discounts.',
      'discounts',
    );
  }
  const discountChoices =
    mode === 'setup'
      ? []
      : parseDiscounts(ctx, p.list('discounts'), {
          customer: customer?.id ?? null,
          amount: subtotal,
          currency: currency ?? 'usd',
        });
  const amountOff = trial ? 0 : discountChoices.reduce((off, d) => off + discountAmount(d.coupon, subtotal - off), 0);
  const id = newId('cs_test', 58);
  const session: Stripe.Checkout.Session = {
    id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: p.bool('allow_promotion_codes') ?? null,
    allowed_payment_method_types: null,
    amount_subtotal: mode === 'setup' ? null : subtotal,
    amount_total: mode === 'setup' ? null : trial ? 0 : subtotal - amountOff,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: p.oneOf('billing_address_collection', ['auto', 'required'] as const) ?? null,
    cancel_url: p.str('cancel_url') ?? null,
    client_reference_id: clientRef ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: now,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: customer?.id ?? null,
    customer_account: null,
    customer_creation: mode !== 'subscription' && !customer ? (customerCreation ?? 'if_required') : null,
    customer_details: customer
      ? {
          address: null,
          business_name: null,
          email: customer.email,
          individual_name: null,
          name: customer.name ?? null,
          phone: null,
          tax_exempt: 'none',
          tax_ids: [],
        }
      : null,
    customer_email: customerEmail ?? null,
    discounts: discountChoices.map((d) => ({ coupon: d.coupon.id, promotion_code: d.promotionCode?.id ?? null })),
    expires_at: expiresAt,
    integration_identifier: null,
    invoice: null,
    invoice_creation:
      mode === 'payment'
        ? {
            enabled: false,
            invoice_data: {
              account_tax_ids: null,
              custom_fields: null,
              description: null,
              footer: null,
              issuer: null,
              metadata: {},
              rendering_options: null,
            },
          }
        : null,
    livemode: false,
    locale: (p.str('locale') as Stripe.Checkout.Session.Locale | undefined) ?? null,
    managed_payments: null,
    metadata: mergeMetadata(null, p.metadata()),
    mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: p.oneOf('payment_method_collection', ['always', 'if_required'] as const) ?? 'always',
    payment_method_configuration_details: null,
    payment_method_options: {
      card: { request_three_d_secure: 'automatic' },
    } as Stripe.Checkout.Session.PaymentMethodOptions,
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: mode === 'setup' ? checkoutSetupIntent(ctx, customer?.id ?? null).id : null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: p.str('success_url') ?? null,
    total_details: mode === 'setup' ? null : { amount_discount: amountOff, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: `${ctx.baseUrl}/checkout/${id}`,
    wallet_options: null,
  };
  ctx.store.put('checkout_sessions', session);
  ctx.store.checkoutExtras.set(id, {
    line_items: items,
    subscription_data: subscriptionData,
    payment_intent_metadata: mergeMetadata(null, pid?.metadata()),
    pending_3ds: null,
    last_error: null,
  });
  ctx.changed();
  return session;
}

function lineItemsList(ctx: Ctx, sessionId: string): Stripe.LineItem[] {
  return ctx.store.checkoutExtras.get(sessionId)?.line_items ?? [];
}

export function registerCheckoutSessions(r: Router): void {
  registerVirtualField('checkout.session', 'line_items', (ctx, obj) => {
    const items = lineItemsList(ctx, String(obj.id));
    return {
      object: 'list',
      data: items.slice(0, 10),
      has_more: items.length > 10,
      url: `/v1/checkout/sessions/${String(obj.id)}/line_items`,
    };
  });
  r.add('POST', '/v1/checkout/sessions', ({ ctx, params }) => createCheckoutSession(ctx, params));
  r.add('GET', '/v1/checkout/sessions/:id', ({ ctx, path }) =>
    mustGet(ctx, 'checkout_sessions', path[0] ?? '', 'session'),
  );
  r.add('GET', '/v1/checkout/sessions/:id/line_items', ({ ctx, path, params, url }) => {
    const s = mustGet(ctx, 'checkout_sessions', path[0] ?? '', 'session');
    return paginate(lineItemsList(ctx, s.id), params, url);
  });
  r.add('POST', '/v1/checkout/sessions/:id/expire', ({ ctx, path }) => {
    const s = mustGet(ctx, 'checkout_sessions', path[0] ?? '', 'session');
    if (s.status !== 'open') {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${s.status}".`,
        'session',
      );
    }
    expireSession(ctx, s.id);
    return s;
  });
  r.add('POST', '/v1/checkout/sessions/:id', ({ ctx, path, params: p }) => {
    const s = mustGet(ctx, 'checkout_sessions', path[0] ?? '', 'session');
    s.metadata = mergeMetadata(s.metadata, p.metadata());
    return s;
  });
  r.add('GET', '/v1/checkout/sessions', ({ ctx, params: p, url }) => {
    const customer = p.str('customer');
    const pi = p.str('payment_intent');
    const sub = p.str('subscription');
    const status = p.oneOf('status', ['open', 'complete', 'expired'] as const);
    const items = ctx.store
      .all('checkout_sessions')
      .filter(createdFilter(p))
      .filter((s) => !customer || s.customer === customer)
      .filter((s) => !pi || s.payment_intent === pi)
      .filter((s) => !sub || s.subscription === sub)
      .filter((s) => !status || s.status === status);
    return paginate(newestFirst(items), p, url);
  });
}
