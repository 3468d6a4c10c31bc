import type Stripe from 'stripe';
import type { Router } from '../http/router.js';
import { newId } from '../ids.js';
import { mustGet } from './util.js';
import { accept } from './accept.js';
import { invalidRequest } from '../http/errors.js';

export function registerBillingPortal(r: Router): void {
  r.add('POST', '/v1/billing_portal/sessions', ({ ctx, params: p }) => {
    accept(p, 'BillingPortalSessionCreateParams', 'configuration customer locale return_url');
    const customer = mustGet(ctx, 'customers', p.reqStr('customer'), 'customer');
    const configId = p.str('configuration');
    const config = configId ? mustGet(ctx, 'billing_portal_configurations', configId, 'configuration') : undefined;
    if (config && !config.active) {
      throw invalidRequest(`The configuration ${config.id} is not active.`, 'configuration');
    }
    const id = newId('bps');
    const session: Stripe.BillingPortal.Session = {
      id,
      object: 'billing_portal.session',
      configuration: config?.id ?? 'bpc_emulator_default',
      created: ctx.store.now(),
      customer: customer.id,
      customer_account: null,
      flow: null,
      livemode: false,
      locale: (p.str('locale') as Stripe.BillingPortal.Session.Locale | undefined) ?? null,
      on_behalf_of: null,
      return_url: p.str('return_url') ?? config?.default_return_url ?? null,
      url: `${ctx.baseUrl}/portal/${id}`,
    };
    ctx.store.put('billing_portal_sessions', session);
    ctx.emit('billing_portal.session.created', session);
    ctx.changed();
    return session;
  });
}
