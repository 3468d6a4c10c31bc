import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmulatorCore } from '../emulator.js';
import { parseBody } from '../http/body.js';
import { Params } from '../http/params.js';
import { sweepExpiredSessions } from '../billing/expiry.js';
import { renderCheckout, submitCheckout, submitPromotionCode } from './checkout.js';
import { flashFor, portalAction, renderPortal } from './portal.js';
import { esc, money, page, sendHtml } from './html.js';
import { answerChallenge, renderChallenge } from './three-d-secure.js';

const notFound = (what: string) =>
  page('Not found', `<h1>${esc(what)} not found</h1><p>Check the link and try again.</p>`);

/** Hosted pages: Checkout, the billing portal, receipts and invoices. */
export async function handlePages(
  core: EmulatorCore,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  raw: string,
): Promise<void> {
  const method = req.method ?? 'GET';
  const ctx = core.ctx(null);
  sweepExpiredSessions(ctx);
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const form = new Params(method === 'POST' ? parseBody(raw, req.headers['content-type']) : {});
  const [kind, id, sub, subId, action] = parts;

  if (kind === 'checkout' && id) {
    const session = ctx.store.get('checkout_sessions', id);
    if (!session) return sendHtml(res, 404, notFound('Checkout session'));
    if (method === 'GET' && !sub) return renderCheckout(ctx, res, session);
    if (method === 'POST' && !sub) return submitCheckout(ctx, res, session, form);
    if (method === 'POST' && sub === 'promotion_code') return submitPromotionCode(ctx, res, session, form);
    if (method === 'POST' && sub === '3ds') {
      const outcome = form.str('action') === 'fail' ? 'fail' : 'complete';
      return submitCheckout(ctx, res, session, form, outcome);
    }
  }
  if (kind === '3ds' && id) {
    if (method === 'GET') return renderChallenge(ctx, res, id);
    return answerChallenge(ctx, res, id, form.str('action') === 'fail' ? 'fail' : 'complete');
  }
  if (kind === 'portal' && id) {
    const session = ctx.store.get('billing_portal_sessions', id);
    if (!session) return sendHtml(res, 404, notFound('Billing portal session'));
    if (method === 'GET' && !sub) return renderPortal(ctx, res, session, flashFor(url.searchParams.get('done')));
    if (method === 'POST' && sub === 'subscriptions' && subId && action) {
      return portalAction(ctx, res, session, subId, action, form.str('item'));
    }
  }
  if (kind === 'receipts' && id && method === 'GET') {
    const charge = ctx.store.get('charges', id);
    if (!charge) return sendHtml(res, 404, notFound('Receipt'));
    return sendHtml(
      res,
      200,
      page(
        'Receipt',
        `<h1>Receipt</h1><p>Amount paid: ${esc(money(charge.amount, charge.currency))}</p><p>Refunded: ${esc(money(charge.amount_refunded, charge.currency))}</p>`,
      ),
    );
  }
  if (kind === 'invoices' && id && method === 'GET') {
    const invoice = ctx.store.get('invoices', id);
    if (!invoice) return sendHtml(res, 404, notFound('Invoice'));
    const lines = invoice.lines.data
      .map((l) => `<tr><td>${esc(l.description)}</td><td class="amount">${esc(money(l.amount, l.currency))}</td></tr>`)
      .join('');
    return sendHtml(
      res,
      200,
      page(
        `Invoice ${invoice.number ?? invoice.id}`,
        `<h1>Invoice ${esc(invoice.number ?? invoice.id)}</h1><p>Status: ${esc(invoice.status)}</p><table><tbody>${lines}</tbody><tfoot><tr><th>Total</th><td class="amount">${esc(money(invoice.total, invoice.currency))}</td></tr></tfoot></table>`,
      ),
    );
  }
  if (url.pathname === '/' && method === 'GET') {
    return sendHtml(
      res,
      200,
      page('Stripe emulator', `<h1>Local Stripe emulator</h1><p>API base: <code>${esc(core.baseUrl)}</code></p>`),
    );
  }
  sendHtml(res, 404, notFound('Page'));
}
