import type { ServerResponse } from 'node:http';
import type Stripe from 'stripe';
import { applyPromotionCode } from '../billing/checkout-setup.js';
import type { Ctx } from '../context.js';
import type { Params } from '../http/params.js';
import { ApiError } from '../http/errors.js';
import { completeCheckout, successRedirect } from '../billing/checkout.js';
import { priceProductId } from '../resources/prices.js';
import { esc, money, page, redirect, sendHtml } from './html.js';

function lineRows(ctx: Ctx, session: Stripe.Checkout.Session): string {
  const items = ctx.store.checkoutExtras.get(session.id)?.line_items ?? [];
  return items
    .map((li) => {
      const price = li.price as Stripe.Price;
      const product = ctx.store.get('products', priceProductId(price));
      const every = price.recurring
        ? ` per ${price.recurring.interval_count > 1 ? `${price.recurring.interval_count} ` : ''}${price.recurring.interval}`
        : '';
      return `<tr><td>${esc(product?.name ?? li.description)}${li.quantity && li.quantity > 1 ? ` × ${li.quantity}` : ''}</td><td class="amount">${esc(money(li.amount_total, li.currency))}${esc(every)}</td></tr>`;
    })
    .join('');
}

function summary(ctx: Ctx, session: Stripe.Checkout.Session): string {
  const extras = ctx.store.checkoutExtras.get(session.id);
  const trialDays = extras?.subscription_data?.trial_period_days ?? null;
  const cur = session.currency ?? 'usd';
  const trialRow = trialDays ? `<tr><td>Free trial</td><td class="amount">${trialDays} days</td></tr>` : '';
  return `<table aria-label="Order summary"><thead><tr><th scope="col">Item</th><th scope="col" class="amount">Amount</th></tr></thead>
<tbody>${lineRows(ctx, session)}${trialRow}</tbody>
<tfoot><tr><th scope="row">${trialDays ? 'Total due today' : 'Total'}</th><td class="amount" data-testid="total">${esc(money(session.amount_total ?? 0, cur))}</td></tr></tfoot></table>`;
}

function statusPage(title: string, message: string, link: string | null, linkText: string): string {
  return page(
    title,
    `<h1>${esc(title)}</h1><p>${esc(message)}</p>${link ? `<p><a href="${esc(link)}">${esc(linkText)}</a></p>` : ''}`,
  );
}

/** Sessions with allow_promotion_codes offer a code field, as Stripe's page does. */
function promotionForm(session: Stripe.Checkout.Session, action: string): string {
  if (!session.allow_promotion_codes) return '';
  const applied = session.discounts?.length ? '<p class="ok" role="status">Promotion code applied</p>' : '';
  return `${applied}<form method="post" action="${action}/promotion_code" aria-label="Promotion code"><label for="promotionCode">Promotion code</label><input id="promotionCode" name="promotionCode"><button type="submit" class="secondary">Apply</button></form>`;
}

export function renderCheckout(ctx: Ctx, res: ServerResponse, session: Stripe.Checkout.Session): void {
  if (session.status === 'expired') {
    return sendHtml(
      res,
      410,
      statusPage(
        'This checkout session has expired',
        'This checkout page is no longer available. Start again to make a purchase.',
        session.cancel_url,
        'Return to the merchant',
      ),
    );
  }
  if (session.status === 'complete') {
    return sendHtml(
      res,
      200,
      statusPage(
        'Payment complete',
        'Thanks! This checkout session is already complete.',
        successRedirect(session),
        'Continue',
      ),
    );
  }
  const extras = ctx.store.checkoutExtras.get(session.id);
  const action = `/checkout/${encodeURIComponent(session.id)}`;
  if (extras?.pending_3ds) {
    return sendHtml(
      res,
      200,
      page(
        '3D Secure authentication',
        `<h1>3D Secure authentication</h1>
<p>Your bank wants to confirm this payment of <strong>${esc(money(session.amount_total ?? 0, session.currency ?? 'usd'))}</strong> with the card ending in ${esc(extras.pending_3ds.card.slice(-4))}.</p>
<p>This is a test challenge: choose an outcome.</p>
<form method="post" action="${action}/3ds"><input type="hidden" name="action" value="complete"><button type="submit">Complete authentication</button></form>
<form method="post" action="${action}/3ds"><input type="hidden" name="action" value="fail"><button type="submit" class="danger">Fail authentication</button></form>`,
      ),
    );
  }
  const customer = typeof session.customer === 'string' ? ctx.store.get('customers', session.customer) : undefined;
  const email = session.customer_email ?? customer?.email ?? '';
  const trial = (extras?.subscription_data?.trial_period_days ?? 0) > 0;
  const cardOptional = trial && session.payment_method_collection === 'if_required';
  const req = cardOptional ? '' : ' required';
  const cur = session.currency ?? 'usd';
  const button = trial
    ? 'Start trial'
    : session.mode === 'setup'
      ? 'Save card'
      : session.mode === 'subscription'
        ? `Subscribe and pay ${money(session.amount_total ?? 0, cur)}`
        : `Pay ${money(session.amount_total ?? 0, cur)}`;
  const error = extras?.last_error ? `<p class="error" role="alert">${esc(extras.last_error)}</p>` : '';
  sendHtml(
    res,
    200,
    page(
      'Checkout',
      `<h1>${session.mode === 'subscription' ? 'Subscribe' : 'Checkout'}</h1>
${summary(ctx, session)}
${error}
<form method="post" action="${action}" aria-label="Payment details">
  <label for="email">Email</label>
  <input id="email" name="email" type="email" autocomplete="email" required value="${esc(email)}"${email ? ' readonly' : ''}>
  <label for="cardNumber">Card number</label>
  <input id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="cc-number" placeholder="1234 1234 1234 1234"${req}>
  <div class="row">
    <div><label for="cardExpiry">Expiry (MM / YY)</label><input id="cardExpiry" name="cardExpiry" autocomplete="cc-exp" placeholder="MM / YY"${req}></div>
    <div><label for="cardCvc">CVC</label><input id="cardCvc" name="cardCvc" inputmode="numeric" autocomplete="cc-csc" placeholder="CVC"${req}></div>
  </div>
  <label for="billingName">Name on card</label>
  <input id="billingName" name="billingName" autocomplete="cc-name">
  <button type="submit">${esc(button)}</button>
</form>
${promotionForm(session, action)}
${session.cancel_url ? `<p><a href="${esc(session.cancel_url)}">Cancel and return</a></p>` : ''}`,
    ),
  );
}

function parseExpiry(v: string | undefined): boolean {
  const m = /^\s*(\d{1,2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(v ?? '');
  if (!m) return false;
  const month = Number(m[1]);
  return month >= 1 && month <= 12;
}

/** Form submit from the hosted page: validate like Stripe.js would, then pay. */
export function submitCheckout(
  ctx: Ctx,
  res: ServerResponse,
  session: Stripe.Checkout.Session,
  p: Params,
  threeDS?: 'complete' | 'fail',
): void {
  const extras = ctx.store.checkoutExtras.get(session.id);
  const back = `/checkout/${encodeURIComponent(session.id)}`;
  if (session.status !== 'open' || !extras) return redirect(res, back);
  let card: string;
  let email: string | null;
  if (threeDS) {
    if (!extras.pending_3ds) return redirect(res, back);
    card = extras.pending_3ds.card;
    email = extras.pending_3ds.email;
  } else {
    card = (p.str('cardNumber') ?? '').replace(/\s/g, '');
    email = p.str('email') ?? null;
    const cardOptional =
      session.payment_method_collection === 'if_required' &&
      (extras.subscription_data?.trial_period_days ?? 0) > 0 &&
      card === '';
    const problem = !email
      ? 'Your email is incomplete.'
      : cardOptional
        ? null
        : card.length < 12
          ? 'Your card number is incomplete.'
          : !parseExpiry(p.str('cardExpiry'))
            ? "Your card's expiration date is incomplete."
            : !/^\d{3,4}$/.test(p.str('cardCvc') ?? '')
              ? "Your card's security code is incomplete."
              : null;
    if (problem) {
      extras.last_error = problem;
      return redirect(res, back);
    }
  }
  try {
    const result = completeCheckout(ctx, session, {
      card,
      email,
      name: p.str('billingName') ?? null,
      threeDSecure: threeDS,
    });
    if (result.kind === 'complete') return redirect(res, result.redirect ?? back);
    return redirect(res, back);
  } catch (e) {
    if (e instanceof ApiError) {
      extras.last_error = e.body.message;
      return redirect(res, back);
    }
    throw e;
  }
}

/** The page's Apply button: the code changes the session's total, or the page shows why not. */
export function submitPromotionCode(ctx: Ctx, res: ServerResponse, session: Stripe.Checkout.Session, p: Params): void {
  const back = `/checkout/${encodeURIComponent(session.id)}`;
  const extras = ctx.store.checkoutExtras.get(session.id);
  if (session.status !== 'open' || !extras) return redirect(res, back);
  try {
    applyPromotionCode(ctx, session, p.str('promotionCode') ?? '');
    extras.last_error = null;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    extras.last_error = e.body.message;
  }
  ctx.changed();
  redirect(res, back);
}
