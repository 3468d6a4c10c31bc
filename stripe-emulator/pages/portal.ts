import type { ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import type { Ctx } from '../context.js';
import { ApiError } from '../http/errors.js';
import { changeSubscription } from '../billing/changes.js';
import { setCancelAtPeriodEnd } from '../resources/subscriptions.js';
import { diff } from '../context.js';
import { priceProductId, unitAmountIn } from '../resources/prices.js';
import { dateText, esc, money, page, redirect, sendHtml } from './html.js';

const SUFFIXES: Array<[string, string]> = [
  ['_monthly', '_annual'],
  ['_annual', '_monthly'],
];

/** The app's lookup keys pair plans as `<plan>_monthly` / `<plan>_annual`. */
export function siblingPrice(ctx: Ctx, price: Stripe.Price): Stripe.Price | null {
  const stored = ctx.store.get('prices', price.id) ?? price;
  const key = stored.lookup_key;
  if (!key) return null;
  for (const [from, to] of SUFFIXES) {
    if (key.endsWith(from)) {
      const target = key.slice(0, -from.length) + to;
      return ctx.store.all('prices').find((p) => p.active && p.lookup_key === target) ?? null;
    }
  }
  return null;
}

/** What the session's configuration lets the customer do; the built-in default allows both. */
function portalFeatures(ctx: Ctx, session: Stripe.BillingPortal.Session): { cancel: boolean; update: boolean } {
  const config = ctx.store.get('billing_portal_configurations', session.configuration as string);
  if (!config) return { cancel: true, update: true };
  return { cancel: config.features.subscription_cancel.enabled, update: config.features.subscription_update.enabled };
}

function subscriptionCard(
  ctx: Ctx,
  sessionId: string,
  sub: Stripe.Subscription,
  features: { cancel: boolean; update: boolean },
): string {
  const base = `/portal/${encodeURIComponent(sessionId)}/subscriptions/${encodeURIComponent(sub.id)}`;
  const rows = sub.items.data
    .map((item) => {
      const product = ctx.store.get('products', priceProductId(item.price));
      const amount = unitAmountIn(ctx.store.get('prices', item.price.id) ?? item.price, sub.currency) ?? 0;
      const interval = item.price.recurring?.interval ?? '';
      const sibling = features.update ? siblingPrice(ctx, item.price) : null;
      const switchForm = sibling
        ? `<form method="post" action="${base}/switch"><input type="hidden" name="item" value="${esc(item.id)}"><button type="submit" class="secondary">Switch to ${sibling.recurring?.interval === 'year' ? 'annual' : 'monthly'} billing (${esc(money(unitAmountIn(sibling, sub.currency) ?? 0, sub.currency))} per ${esc(sibling.recurring?.interval ?? '')})</button></form>`
        : '';
      return `<li><strong>${esc(product?.name ?? item.price.id)}</strong> — ${esc(money(amount * (item.quantity ?? 1), sub.currency))} per ${esc(interval)}${switchForm ? `<div>${switchForm}</div>` : ''}</li>`;
    })
    .join('');
  const periodEnd = Math.min(...sub.items.data.map((i) => i.current_period_end));
  const status =
    sub.cancel_at_period_end || sub.cancel_at
      ? `<p>Cancels on ${esc(dateText(sub.cancel_at ?? periodEnd))}</p>`
      : sub.status === 'trialing' && sub.trial_end
        ? `<p>Trial ends on ${esc(dateText(sub.trial_end))}</p>`
        : `<p>Renews on ${esc(dateText(periodEnd))}</p>`;
  const actions = !features.cancel
    ? ''
    : sub.cancel_at_period_end
      ? `<form method="post" action="${base}/resume"><button type="submit">Renew subscription</button></form>`
      : `<form method="post" action="${base}/cancel"><button type="submit" class="danger">Cancel subscription</button></form>`;
  return `<section class="sub" aria-label="Subscription ${esc(sub.id)}"><h2>Current plan</h2><p>Status: <span data-testid="status">${esc(sub.status)}</span></p><ul>${rows}</ul>${status}${actions}</section>`;
}

export function renderPortal(
  ctx: Ctx,
  res: ServerResponse,
  session: Stripe.BillingPortal.Session,
  flash: string | null,
): void {
  const customer = ctx.store.get('customers', session.customer);
  const subs = ctx.store
    .all('subscriptions')
    .filter((s) => s.customer === session.customer && s.status !== 'canceled' && s.status !== 'incomplete_expired');
  const list = subs.length
    ? subs.map((s) => subscriptionCard(ctx, session.id, s, portalFeatures(ctx, session))).join('')
    : '<p>You have no active subscriptions.</p>';
  sendHtml(
    res,
    200,
    page(
      'Billing portal',
      `<h1>Manage your billing</h1>
<p>Signed in as ${esc(customer?.email ?? session.customer)}</p>
${flash ? `<p class="ok" role="status">${esc(flash)}</p>` : ''}
${list}
${session.return_url ? `<p><a href="${esc(session.return_url)}">Return to AgileForge</a></p>` : ''}`,
    ),
  );
}

const FLASH: Record<string, string> = {
  cancel: 'Your subscription will be canceled at the end of the billing period.',
  resume: 'Your subscription has been renewed.',
  switch: 'Your billing period has been updated.',
};

export function portalAction(
  ctx: Ctx,
  res: ServerResponse,
  session: Stripe.BillingPortal.Session,
  subId: string,
  action: string,
  itemId: string | undefined,
): void {
  const back = `/portal/${encodeURIComponent(session.id)}`;
  const sub = ctx.store.get('subscriptions', subId);
  if (!sub || sub.customer !== session.customer)
    return sendHtml(res, 404, page('Not found', '<h1>Subscription not found</h1>'));
  const features = portalFeatures(ctx, session);
  if (((action === 'cancel' || action === 'resume') && !features.cancel) || (action === 'switch' && !features.update)) {
    return sendHtml(res, 403, page('Not allowed', '<h1>This portal does not allow that change</h1>'));
  }
  try {
    if (action === 'cancel' || action === 'resume') {
      const before = structuredClone(sub);
      setCancelAtPeriodEnd(ctx, sub, action === 'cancel');
      const prev = diff(before, sub);
      if (prev) ctx.emit('customer.subscription.updated', sub, prev);
      ctx.changed();
    } else if (action === 'switch') {
      const item = sub.items.data.find((i) => i.id === itemId) ?? sub.items.data[0];
      const target = item ? siblingPrice(ctx, item.price) : null;
      if (!item || !target) return redirect(res, back);
      changeSubscription(ctx, sub, [{ id: item.id, price: target, param: 'items[0]' }], {
        proration: 'create_prorations',
        payment: 'allow_incomplete',
      });
    } else {
      return sendHtml(res, 404, page('Not found', '<h1>Unknown action</h1>'));
    }
  } catch (e) {
    if (e instanceof ApiError) return renderPortal(ctx, res, session, e.body.message);
    throw e;
  }
  redirect(res, `${back}?done=${action}`);
}

export function flashFor(done: string | null): string | null {
  return done ? (FLASH[done] ?? null) : null;
}
