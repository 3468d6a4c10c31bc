import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import type { Ctx } from '../context.js';
import { mergeMetadata } from '../http/params.js';
import { diff } from '../context.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { newId } from '../ids.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';
import { invalidRequest } from '../http/errors.js';

const CANCEL_MODES = ['at_period_end', 'immediately'] as const;
const PRORATIONS = ['always_invoice', 'create_prorations', 'none'] as const;
const UPDATES = ['price', 'promotion_code', 'quantity'] as const;
const CUSTOMER_UPDATES = ['address', 'email', 'name', 'phone', 'shipping', 'tax_id'] as const;

function defaults(): Stripe.BillingPortal.Configuration.Features {
  return {
    customer_update: { allowed_updates: [], enabled: false },
    invoice_history: { enabled: false },
    payment_method_update: { enabled: false, payment_method_configuration: null },
    subscription_cancel: {
      cancellation_reason: { enabled: false, feedback_options: [], options: [] },
      enabled: false,
      mode: 'at_period_end',
      proration_behavior: 'none',
    },
    subscription_pause: { enabled: false } as Stripe.BillingPortal.Configuration.Features.SubscriptionPause,
    subscription_update: {
      billing_cycle_anchor: null,
      default_allowed_updates: [],
      enabled: false,
      products: [],
      proration_behavior: 'none',
      schedule_at_period_end: { conditions: [] },
      trial_update_behavior: 'end_trial',
    },
  };
}

/** Applies `features[...]`; nested settings the local Stripe does not know are refused by name. */
function applyFeatures(f: Stripe.BillingPortal.Configuration.Features, p: Params | undefined): void {
  if (!p) return;
  if (p.has('subscription_pause')) {
    throw invalidRequest(
      'The parameter `features[subscription_pause]` is not supported by the local Stripe (stripe-emulator): pausing is not modelled.',
      'features[subscription_pause]',
      'parameter_unsupported',
    );
  }
  p.allowOnly([
    'customer_update',
    'invoice_history',
    'payment_method_update',
    'subscription_cancel',
    'subscription_update',
  ]);
  const cu = p.obj('customer_update');
  if (cu) {
    cu.allowOnly(['enabled', 'allowed_updates']);
    f.customer_update.enabled = cu.bool('enabled') ?? f.customer_update.enabled;
    const allowed = cu.strList('allowed_updates');
    if (allowed) {
      allowed.forEach((a, i) => {
        if (!(CUSTOMER_UPDATES as readonly string[]).includes(a)) cu.oneOf(String(i), CUSTOMER_UPDATES);
      });
      f.customer_update.allowed_updates = allowed as typeof f.customer_update.allowed_updates;
    }
  }
  const ih = p.obj('invoice_history');
  if (ih) {
    ih.allowOnly(['enabled']);
    f.invoice_history.enabled = ih.bool('enabled') ?? f.invoice_history.enabled;
  }
  const pmu = p.obj('payment_method_update');
  if (pmu) {
    pmu.allowOnly(['enabled']);
    f.payment_method_update.enabled = pmu.bool('enabled') ?? f.payment_method_update.enabled;
  }
  const sc = p.obj('subscription_cancel');
  if (sc) {
    sc.allowOnly(['enabled', 'mode', 'proration_behavior']);
    f.subscription_cancel.enabled = sc.bool('enabled') ?? f.subscription_cancel.enabled;
    f.subscription_cancel.mode = sc.oneOf('mode', CANCEL_MODES) ?? f.subscription_cancel.mode;
    f.subscription_cancel.proration_behavior =
      sc.oneOf('proration_behavior', PRORATIONS) ?? f.subscription_cancel.proration_behavior;
  }
  const su = p.obj('subscription_update');
  if (su) {
    su.allowOnly(['enabled', 'default_allowed_updates', 'proration_behavior', 'products']);
    f.subscription_update.enabled = su.bool('enabled') ?? f.subscription_update.enabled;
    f.subscription_update.proration_behavior =
      su.oneOf('proration_behavior', PRORATIONS) ?? f.subscription_update.proration_behavior;
    const allowed = su.strList('default_allowed_updates');
    if (allowed) {
      for (const a of allowed)
        if (!(UPDATES as readonly string[]).includes(a)) su.oneOf('default_allowed_updates', UPDATES);
      f.subscription_update.default_allowed_updates = allowed as typeof f.subscription_update.default_allowed_updates;
    }
    const products = su.list('products');
    if (products) {
      f.subscription_update.products = products.map((pp) => {
        pp.allowOnly(['product', 'prices']);
        return {
          adjustable_quantity: { enabled: false, maximum: null, minimum: 1 },
          prices: pp.strList('prices') ?? [],
          product: pp.reqStr('product'),
        };
      });
    }
  }
}

function applyCommon(ctx: Ctx, c: Stripe.BillingPortal.Configuration, p: Params): void {
  const bp = p.obj('business_profile');
  if (bp) {
    bp.allowOnly(['headline', 'privacy_policy_url', 'terms_of_service_url']);
    for (const k of ['headline', 'privacy_policy_url', 'terms_of_service_url'] as const) {
      const v = bp.nullableStr(k);
      if (v !== undefined) c.business_profile[k] = v;
    }
  }
  const ret = p.nullableStr('default_return_url');
  if (ret !== undefined) c.default_return_url = ret;
  const name = p.nullableStr('name');
  if (name !== undefined) c.name = name;
  const login = p.obj('login_page');
  if (login) {
    login.allowOnly(['enabled']);
    const enabled = login.bool('enabled') ?? false;
    c.login_page = { enabled, url: enabled ? `${ctx.baseUrl}/portal/login/${c.id}` : null };
  }
  c.metadata = mergeMetadata(c.metadata, p.metadata());
  applyFeatures(c.features, p.obj('features'));
  c.updated = ctx.store.now();
}

export function registerBillingPortalConfigurations(r: Router): void {
  r.add('POST', '/v1/billing_portal/configurations', ({ ctx, params: p }) => {
    accept(p, 'ConfigurationCreateParams', 'business_profile default_return_url features login_page metadata name');
    const now = ctx.store.now();
    const c: Stripe.BillingPortal.Configuration = {
      id: newId('bpc'),
      object: 'billing_portal.configuration',
      active: true,
      application: null,
      business_profile: { headline: null, privacy_policy_url: null, terms_of_service_url: null },
      created: now,
      default_return_url: null,
      features: defaults(),
      is_default: false,
      livemode: false,
      login_page: { enabled: false, url: null },
      metadata: {},
      name: null,
      updated: now,
    };
    applyCommon(ctx, c, p);
    ctx.store.put('billing_portal_configurations', c);
    ctx.emit('billing_portal.configuration.created', c);
    ctx.changed();
    return c;
  });
  r.add('GET', '/v1/billing_portal/configurations/:id', ({ ctx, path }) =>
    mustGet(ctx, 'billing_portal_configurations', path[0] ?? '', 'configuration'),
  );
  r.add('POST', '/v1/billing_portal/configurations/:id', ({ ctx, path, params: p }) => {
    accept(
      p,
      'ConfigurationUpdateParams',
      'active business_profile default_return_url features login_page metadata name',
    );
    const c = mustGet(ctx, 'billing_portal_configurations', path[0] ?? '', 'configuration');
    const before = structuredClone(c);
    const active = p.bool('active');
    if (active !== undefined) c.active = active;
    applyCommon(ctx, c, p);
    const prev = diff(before, c);
    if (prev) ctx.emit('billing_portal.configuration.updated', c, prev);
    ctx.changed();
    return c;
  });
  r.add('GET', '/v1/billing_portal/configurations', ({ ctx, params: p, url }) => {
    const active = p.bool('active');
    const isDefault = p.bool('is_default');
    const items = ctx.store
      .all('billing_portal_configurations')
      .filter(createdFilter(p))
      .filter((c) => active === undefined || c.active === active)
      .filter((c) => isDefault === undefined || c.is_default === isDefault);
    return paginate(newestFirst(items), p, url);
  });
}
