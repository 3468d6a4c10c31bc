import type { Router } from '../http/router.js';
import type { Params } from '../http/params.js';
import type { Ctx } from '../context.js';
import type Stripe from 'stripe';
import { mergeMetadata } from '../http/params.js';
import { invalidRequest, parameterMissing } from '../http/errors.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { resolvePaymentMethod } from '../billing/test-payment-methods.js';
import { cancelSetupIntent, confirmSetupIntent, newSetupIntent } from '../billing/setup-intents.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';

function setPaymentMethod(ctx: Ctx, si: Stripe.SetupIntent, p: Params): void {
  const id = p.str('payment_method');
  if (!id) return;
  si.payment_method = resolvePaymentMethod(ctx, id).id;
  si.status = 'requires_confirmation';
}

function setReturnUrl(ctx: Ctx, si: Stripe.SetupIntent, p: Params): void {
  const url = p.str('return_url');
  if (url) ctx.store.billing.intentReturnUrls[si.id] = url;
}

function types(p: Params): string[] | null {
  const list = p.strList('allowed_payment_method_types');
  if (!list) return null;
  const other = list.find((t) => t !== 'card');
  if (other) {
    throw invalidRequest(
      `The payment method type \`${other}\` is not supported by the local Stripe (stripe-emulator); only \`card\` is.`,
      'allowed_payment_method_types',
      'parameter_unsupported',
    );
  }
  return list;
}

export function registerSetupIntents(r: Router): void {
  r.add('POST', '/v1/setup_intents', ({ ctx, params: p }) => {
    accept(
      p,
      'SetupIntentCreateParams',
      'customer description metadata usage payment_method confirm return_url allowed_payment_method_types automatic_payment_methods',
    );
    const customer = p.str('customer');
    if (customer) mustGet(ctx, 'customers', customer, 'customer');
    const apm = p.obj('automatic_payment_methods');
    const si = newSetupIntent(ctx, {
      customer: customer ?? null,
      description: p.nullableStr('description') ?? null,
      metadata: mergeMetadata(null, p.metadata()),
      usage: p.oneOf('usage', ['off_session', 'on_session'] as const) ?? 'off_session',
      types: types(p),
      allowRedirects: apm?.oneOf('allow_redirects', ['always', 'never'] as const) ?? 'always',
    });
    try {
      setPaymentMethod(ctx, si, p);
    } catch (e) {
      ctx.store.delete('setup_intents', si.id);
      throw e;
    }
    setReturnUrl(ctx, si, p);
    ctx.emit('setup_intent.created', si);
    ctx.changed();
    if (p.bool('confirm')) {
      if (!si.payment_method) throw parameterMissing('payment_method');
      return confirmSetupIntent(ctx, si);
    }
    return si;
  });
  r.add('GET', '/v1/setup_intents/:id', ({ ctx, path }) => mustGet(ctx, 'setup_intents', path[0] ?? '', 'intent'));
  r.add('POST', '/v1/setup_intents/:id', ({ ctx, path, params: p }) => {
    accept(p, 'SetupIntentUpdateParams', 'customer description metadata payment_method');
    const si = mustGet(ctx, 'setup_intents', path[0] ?? '', 'intent');
    if (si.status === 'succeeded' || si.status === 'canceled') {
      throw invalidRequest(
        `You cannot update this SetupIntent because it has a status of ${si.status}.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    const customer = p.str('customer');
    if (customer) si.customer = mustGet(ctx, 'customers', customer, 'customer').id;
    const description = p.nullableStr('description');
    if (description !== undefined) si.description = description;
    si.metadata = mergeMetadata(si.metadata, p.metadata());
    setPaymentMethod(ctx, si, p);
    ctx.changed();
    return si;
  });
  r.add('GET', '/v1/setup_intents', ({ ctx, params: p, url }) => {
    accept(p, 'SetupIntentListParams', 'customer payment_method created limit starting_after ending_before');
    const customer = p.str('customer');
    const pm = p.str('payment_method');
    const items = ctx.store
      .all('setup_intents')
      .filter(createdFilter(p))
      .filter((x) => !customer || x.customer === customer)
      .filter((x) => !pm || x.payment_method === pm);
    return paginate(newestFirst(items), p, url);
  });
  r.add('POST', '/v1/setup_intents/:id/confirm', ({ ctx, path, params: p }) => {
    accept(p, 'SetupIntentConfirmParams', 'payment_method return_url');
    const si = mustGet(ctx, 'setup_intents', path[0] ?? '', 'intent');
    if (!['requires_payment_method', 'requires_confirmation', 'requires_action'].includes(si.status)) {
      throw invalidRequest(
        `This SetupIntent's status is ${si.status}, but it must be one of requires_payment_method, requires_confirmation, or requires_action to be confirmed.`,
        undefined,
        'setup_intent_unexpected_state',
      );
    }
    setPaymentMethod(ctx, si, p);
    setReturnUrl(ctx, si, p);
    return confirmSetupIntent(ctx, si);
  });
  r.add('POST', '/v1/setup_intents/:id/cancel', ({ ctx, path, params: p }) => {
    accept(p, 'SetupIntentCancelParams', 'cancellation_reason');
    const si = mustGet(ctx, 'setup_intents', path[0] ?? '', 'intent');
    const reason = p.oneOf('cancellation_reason', ['abandoned', 'duplicate', 'requested_by_customer'] as const);
    return cancelSetupIntent(ctx, si, reason ?? null);
  });
}
