import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { EmulatorCore } from '../emulator.js';
import { API_VERSION, clone } from '../context.js';
import { newId } from '../ids.js';
import { ApiError } from './errors.js';
import { parseBody } from './body.js';
import { parseForm } from './form.js';
import { Params } from './params.js';
import type { Router } from './router.js';
import { applyExpand } from './expand.js';
import { sweepExpiredSessions } from '../billing/expiry.js';
import { sweepFailingRefunds } from '../billing/refund-failures.js';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(payload);
}

function authError(message: string): ApiError {
  return new ApiError(401, { type: 'invalid_request_error', message });
}

/** Returns the API key, or throws Stripe's 401. Test-mode secret keys only. */
function authenticate(req: IncomingMessage): string {
  const header = req.headers.authorization ?? '';
  let key = '';
  if (header.startsWith('Bearer ')) key = header.slice(7).trim();
  else if (header.startsWith('Basic '))
    key = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':')[0] ?? '';
  if (!key) {
    throw authError(
      "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
    );
  }
  if (!key.startsWith('sk_test_')) {
    // Stripe echoes only the start and the last four characters of a rejected key.
    const masked =
      key.length > 12
        ? `${key.slice(0, 8)}${'*'.repeat(key.length - 12)}${key.slice(-4)}`
        : `${key.slice(0, 3)}${'*'.repeat(Math.max(0, key.length - 3))}`;
    throw authError(`Invalid API Key provided: ${masked}`);
  }
  return key;
}

/** Serves `/v1/...` exactly as the official client expects it. */
export async function handleApi(
  core: EmulatorCore,
  router: Router,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rawBody: string,
): Promise<void> {
  const requestId = newId('req', 14);
  const method = req.method ?? 'GET';
  const version = (req.headers['stripe-version'] as string | undefined) ?? API_VERSION;
  const headers: Record<string, string> = { 'request-id': requestId, 'stripe-version': version };
  const idemKey = method === 'POST' ? ((req.headers['idempotency-key'] as string | undefined) ?? null) : null;
  if (idemKey) headers['idempotency-key'] = idemKey;
  let apiKey = '';
  try {
    apiKey = authenticate(req);
    const form = method === 'POST' ? parseBody(rawBody, req.headers['content-type']) : parseForm(url.search.slice(1));
    let fingerprint = '';
    let storeKey = '';
    if (idemKey) {
      storeKey = `${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}:${idemKey}`;
      fingerprint = createHash('sha256')
        .update(`${method} ${url.pathname}\n${JSON.stringify(form)}`)
        .digest('hex');
      const saved = core.store.idempotency.get(storeKey);
      if (saved) {
        if (saved.fingerprint !== fingerprint) {
          throw new ApiError(400, {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idemKey}' if you meant to execute a different request.`,
          });
        }
        send(res, saved.status, saved.body, { ...headers, 'idempotent-replayed': 'true' });
        return;
      }
    }
    // Expiry is Stripe's own doing, not part of this request.
    sweepExpiredSessions(core.ctx(null));
    sweepFailingRefunds(core.ctx(null));
    const ctx = core.ctx({ id: requestId, idempotency_key: idemKey });
    const match = router.match(method, url.pathname);
    if (!match) {
      throw new ApiError(404, {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${method}: ${url.pathname}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
      });
    }
    const params = new Params(form);
    let status = 200;
    let body: string;
    try {
      const result = match.handler({ ctx, params, path: match.path, url: url.pathname });
      const out = applyExpand(ctx, clone(result), params.strList('expand') ?? []);
      body = JSON.stringify(out, null, 2);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      status = e.status;
      body = JSON.stringify({ error: { ...e.body, request_log_url: undefined } }, null, 2);
    }
    if (idemKey) {
      core.store.idempotency.set(storeKey, { fingerprint, status, body, created: core.store.now() });
    }
    if (method !== 'GET') core.scheduleSave();
    send(res, status, body, headers);
  } catch (e) {
    if (e instanceof ApiError) {
      send(res, e.status, e.toJSON(), headers);
      return;
    }
    core.opts.logger.error({ err: e, path: url.pathname }, 'stripe emulator internal error');
    send(res, 500, { error: { type: 'api_error', message: `Internal emulator error: ${String(e)}` } }, headers);
  }
}
