import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../emulator.js';
import { ApiError, invalidRequest } from '../http/errors.js';
import { parseBody } from '../http/body.js';
import { parseForm } from '../http/form.js';
import { Params } from '../http/params.js';
import { Router } from '../http/router.js';
import { mustGet } from '../resources/util.js';
import { completeCheckout } from '../billing/checkout.js';
import { applyPromotionCode } from '../billing/checkout-setup.js';
import { advanceSubscription } from '../billing/subscriptions.js';
import { advanceClock, advanceToNextRenewal } from '../billing/clock.js';
import { sweepExpiredSessions } from '../billing/expiry.js';
import { sweepFailingRefunds } from '../billing/refund-failures.js';
import { registerPaymentOutcomeHelpers } from './payment-outcomes.js';

/**
 * `/_emulator/*`: test controls with no Stripe equivalent (or a simpler one
 * than test clocks). JSON or form bodies; no API key needed.
 */
function helperRoutes(core: EmulatorCore): Router {
  const r = new Router();
  r.add('GET', '/_emulator/health', () => ({ ok: true }));
  r.add('POST', '/_emulator/checkout/sessions/:id/complete', ({ ctx, path, params: p }) => {
    const session = mustGet(ctx, 'checkout_sessions', path[0] ?? '', 'session');
    const code = p.str('promotion_code');
    if (code) applyPromotionCode(ctx, session, code);
    const result = completeCheckout(ctx, session, {
      // An explicitly empty card means "no card" (trials with payment_method_collection=if_required).
      card: p.has('card') ? (p.str('card') ?? '') : '4242424242424242',
      email: p.str('email'),
      name: p.str('name'),
      threeDSecure: p.oneOf('three_d_secure', ['complete', 'fail'] as const),
      autoAuthenticate: true,
    });
    if (result.kind === 'failed') {
      throw new ApiError(402, {
        type: 'card_error',
        code: result.code,
        decline_code: result.declineCode,
        message: result.message,
        payment_intent: result.paymentIntent ? ctx.store.get('payment_intents', result.paymentIntent) : undefined,
      });
    }
    return result.session;
  });
  r.add('POST', '/_emulator/subscriptions/:id/advance', ({ ctx, path, params: p }) =>
    advanceToNextRenewal(
      ctx,
      mustGet(ctx, 'subscriptions', path[0] ?? ''),
      p.oneOf('outcome', ['paid', 'failed'] as const),
    ),
  );
  r.add('POST', '/_emulator/subscriptions/:id/end_trial', ({ ctx, path }) =>
    advanceSubscription(ctx, mustGet(ctx, 'subscriptions', path[0] ?? ''), { endTrialNow: true }),
  );
  r.add('GET', '/_emulator/clock', ({ ctx }) => ({
    now: ctx.store.now(),
    offset_seconds: ctx.store.clockOffsetSeconds,
  }));
  r.add('POST', '/_emulator/clock/advance', ({ ctx, params: p }) => {
    const seconds = p.reqInt('seconds', { min: 0 });
    advanceClock(ctx, seconds);
    return { now: ctx.store.now(), offset_seconds: ctx.store.clockOffsetSeconds };
  });
  r.add('POST', '/_emulator/webhooks/flush', async ({ params: p }) => {
    await core.dispatcher.flush({
      order: p.oneOf('order', ['shuffled', 'reverse', 'fifo'] as const),
      duplicate: p.bool('duplicate'),
    });
    return { ok: true, deliveries: core.dispatcher.attempts.length };
  });
  r.add('GET', '/_emulator/webhooks/pending', () => ({ object: 'list', data: core.pendingEvents() }));
  r.add('GET', '/_emulator/webhooks/deliveries', () => ({ object: 'list', data: core.dispatcher.attempts }));
  r.add('POST', '/_emulator/webhooks/endpoints', ({ params: p }) => {
    const urls = p.strList('urls');
    if (!urls) throw invalidRequest('urls is required', 'urls');
    core.dispatcher.setUrls(urls);
    return { urls };
  });
  registerPaymentOutcomeHelpers(r);
  r.add('POST', '/_emulator/reset', () => {
    core.store.reset();
    core.dispatcher.reset();
    core.scheduleSave();
    return { ok: true };
  });
  return r;
}

const routers = new WeakMap<EmulatorCore, Router>();

export async function handleHelpers(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
  let router = routers.get(core);
  if (!router) routers.set(core, (router = helperRoutes(core)));
  const method = req.method ?? 'GET';
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body, null, 2));
  };
  try {
    const form = method === 'POST' ? parseBody(raw, req.headers['content-type']) : parseForm(url.search.slice(1));
    const match = router.match(method, url.pathname);
    if (!match)
      throw new ApiError(404, {
        type: 'invalid_request_error',
        message: `Unknown emulator helper (${method} ${url.pathname}).`,
      });
    // Like Stripe's automatic actions (renewals, Checkout), helper-driven events carry no API request.
    const ctx = core.ctx(null);
    sweepExpiredSessions(ctx);
    sweepFailingRefunds(ctx);
    const result = await match.handler({ ctx, params: new Params(form), path: match.path, url: url.pathname });
    // After a clock advance, what became due then (a refund failing) happens now.
    sweepFailingRefunds(ctx);
    if (method !== 'GET') core.scheduleSave();
    send(200, result);
  } catch (e) {
    if (e instanceof ApiError) return send(e.status, e.toJSON());
    core.opts.logger.error({ err: e }, 'stripe emulator helper failed');
    send(500, { error: { type: 'api_error', message: String(e) } });
  }
}
