import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { newId } from '../ids.js';
import { mustGet } from './util.js';
import { KNOWN } from './known-params.js';

export function registerBillingPortal(r: Router): void {
  r.add('POST', '/v1/billing_portal/sessions', ({ ctx, params: p }) => {
    p.allowOnly(KNOWN.portalSessionCreate);
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const id = newId('bps');
    const session: Stripe.BillingPortal.Session = {
      id,
      object: 'billing_portal.session',
      configuration: p.str('configuration') ?? 'bpc_emulator_default',
      created: ctx.store.now(),
      customer: customer.id,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: null,
      on_behalf_of: null,
      return_url: p.str('return_url') ?? null,
      url: `${ctx.baseUrl}/portal/${id}`,
    };
    ctx.store.put('billing_portal_sessions', session);
    ctx.changed();
    return session;
  });
}
