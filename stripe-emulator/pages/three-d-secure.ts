import type { ServerResponse } from 'node:http';
import type { Ctx } from '../context.js';
import { ApiError } from '../http/errors.js';
import { confirmPaymentIntent } from '../billing/payment-intents.js';
import { confirmSetupIntent } from '../billing/setup-intents.js';
import { settleInvoiceOf } from '../billing/invoice-authentication.js';
import { esc, money, page, redirect, sendHtml } from './html.js';

/**
 * The 3-D Secure challenge for API PaymentIntents and SetupIntents (`next_action.redirect_to_url.url`):
 * the same Complete / Fail choice as the hosted Checkout challenge; then back to the return_url with
 * Stripe's query parameters.
 */
export function renderChallenge(ctx: Ctx, res: ServerResponse, id: string): void {
  const intent = id.startsWith('seti_') ? ctx.store.get('setup_intents', id) : ctx.store.get('payment_intents', id);
  if (!intent || intent.status !== 'requires_action') {
    return sendHtml(res, 404, page('Not found', '<h1>No authentication pending</h1>'));
  }
  const what =
    intent.object === 'payment_intent'
      ? `this payment of <strong>${esc(money(intent.amount, intent.currency))}</strong>`
      : 'saving this card for later payments';
  const action = `/3ds/${encodeURIComponent(id)}`;
  sendHtml(
    res,
    200,
    page(
      '3D Secure authentication',
      `<h1>3D Secure authentication</h1>
<p>Your bank wants to confirm ${what}.</p>
<p>This is a test challenge: choose an outcome.</p>
<form method="post" action="${action}"><input type="hidden" name="action" value="complete"><button type="submit">Complete authentication</button></form>
<form method="post" action="${action}"><input type="hidden" name="action" value="fail"><button type="submit" class="danger">Fail authentication</button></form>`,
    ),
  );
}

export function answerChallenge(ctx: Ctx, res: ServerResponse, id: string, outcome: 'complete' | 'fail'): void {
  const authenticated = outcome === 'complete';
  const isSetup = id.startsWith('seti_');
  const intent = isSetup ? ctx.store.get('setup_intents', id) : ctx.store.get('payment_intents', id);
  if (!intent || intent.status !== 'requires_action') return renderChallenge(ctx, res, id);
  try {
    if (intent.object === 'setup_intent') confirmSetupIntent(ctx, intent, authenticated);
    else {
      confirmPaymentIntent(ctx, intent, { offSession: false, authenticated });
      settleInvoiceOf(ctx, intent);
    }
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
  const returnUrl = ctx.store.billing.intentReturnUrls[id];
  const status = intent.status === 'succeeded' || intent.status === 'requires_capture' ? 'succeeded' : 'failed';
  if (!returnUrl) {
    return sendHtml(res, 200, page('Authentication done', `<h1>Authentication ${esc(status)}</h1>`));
  }
  const url = new URL(returnUrl);
  const key = isSetup ? 'setup_intent' : 'payment_intent';
  url.searchParams.set(key, id);
  url.searchParams.set(`${key}_client_secret`, intent.client_secret ?? '');
  url.searchParams.set('redirect_status', status);
  redirect(res, url.toString());
}
