import http, { type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { acceptsGzip, createPricingFront } from '@/lib/http/pricing-front';

/**
 * A stand-in for Next behind the front: it answers /pricing as the prerendered page would (the
 * variant proxy.ts picks, named in the body), counts what reaches it, and can be told to answer
 * otherwise. The real page is served through the front by every Playwright test of /pricing.
 */
function fakeNext(options: { status?: number; setCookie?: boolean; prerendered?: boolean } = {}) {
  const seen: IncomingMessage[] = [];
  const handler: RequestListener = (req, res) => {
    seen.push(req);
    const url = new URL(req.url!, 'http://x');
    const currency =
      url.searchParams.get('currency') ?? (req.headers['accept-language']?.includes('GB') ? 'gbp' : 'usd');
    const billing = url.searchParams.get('billing') === 'annual' ? 'year' : 'month';
    const html = Buffer.from(`<html>${currency}/${billing} via Next, request ${seen.length}</html>`);
    const gzip = req.headers['accept-encoding'] === 'gzip';
    res.writeHead(options.status ?? 200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'private, no-cache',
      vary: 'rsc, Accept-Encoding',
      etag: `"${currency}-${billing}"`,
      'x-frame-options': 'DENY',
      ...(options.prerendered === false ? {} : { 'x-nextjs-prerender': '1' }),
      ...(options.setCookie ? { 'set-cookie': 'a=b' } : {}),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(gzip ? gzipSync(html) : html);
  };
  return { seen, handler };
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function start(next: ReturnType<typeof fakeNext>) {
  const front = createPricingFront();
  const server = http.createServer(front.wrap(next.handler));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { kept, of } = await front.capture(base);
  const capturedRequests = next.seen.length;
  next.seen.length = 0;
  return { base, kept, of, capturedRequests };
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the in-memory pricing page (lib/http/pricing-front.ts)', () => {
  it('keeps every currency and billing period, plain and gzipped, as Next sent them', async () => {
    const next = fakeNext();
    const { kept, of, capturedRequests } = await start(next);
    expect(kept).toBe(8);
    expect(of).toBe(8);
    expect(capturedRequests).toBe(8);
  });

  it('answers a signed-out visitor from memory with the variant proxy.ts would choose, never asking Next', async () => {
    const next = fakeNext();
    const { base } = await start(next);
    const plain = await get(`${base}/pricing`);
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toMatch(/^<html>usd\/month via Next/);
    expect(plain.headers['x-frame-options']).toBe('DENY');
    expect(plain.headers['cache-control']).toBe('private, no-cache');
    expect(plain.headers['content-length']).toBe(String(plain.body.length));
    expect((await get(`${base}/pricing`, { 'accept-language': 'en-GB,en;q=0.8' })).body.toString()).toMatch(
      /^<html>gbp\/month/,
    );
    expect((await get(`${base}/pricing?currency=gbp&billing=annual`)).body.toString()).toMatch(/^<html>gbp\/year/);
    expect((await get(`${base}/pricing?billing=annual&currency=usd`)).body.toString()).toMatch(/^<html>usd\/year/);
    // Unknown values fall back as the page's own rules do.
    expect((await get(`${base}/pricing?currency=eur&billing=weekly`)).body.toString()).toMatch(/^<html>usd\/month/);
    expect(next.seen).toHaveLength(0);
  });

  it('sends the gzipped copy to clients that accept gzip, the plain one otherwise', async () => {
    const next = fakeNext();
    const { base } = await start(next);
    const zipped = await get(`${base}/pricing?currency=gbp`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toMatch(/^<html>gbp\/month/);
    const refused = await get(`${base}/pricing?currency=gbp`, { 'accept-encoding': 'gzip;q=0, br' });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.toString()).toMatch(/^<html>gbp\/month/);
    expect(next.seen).toHaveLength(0);
  });

  it('answers a matching If-None-Match with 304 and HEAD without a body', async () => {
    const next = fakeNext();
    const { base } = await start(next);
    const revalidated = await get(`${base}/pricing`, { 'if-none-match': 'W/"usd-month"' });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body).toHaveLength(0);
    expect(revalidated.headers.etag).toBe('"usd-month"');
    expect((await get(`${base}/pricing`, { 'if-none-match': '"gbp-month"' })).status).toBe(200);
    const head = await get(`${base}/pricing`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toHaveLength(0);
    expect(Number(head.headers['content-length'])).toBeGreaterThan(0);
    expect(next.seen).toHaveLength(0);
  });

  it('passes to Next whatever Next would not answer with the prerendered page', async () => {
    const next = fakeNext();
    const { base } = await start(next);
    const passed: [string, Record<string, string>, string?][] = [
      ['/pricing', { cookie: 'theme=dark; authjs.session-token=abc' }],
      ['/pricing', { cookie: '__Secure-authjs.session-token=abc' }],
      ['/pricing', { rsc: '1' }],
      ['/pricing', { 'next-router-prefetch': '1' }],
      ['/pricing?buy=credits_50', {}],
      ['/pricing?checkout=cancelled&currency=usd', {}],
      ['/pricing', {}, 'POST'],
      ['/pricing/extra', {}],
      ['/pricingx', {}],
      ['/', {}],
    ];
    for (const [path, headers, method] of passed) {
      const answer = await get(`${base}${path}`, headers, method);
      expect(answer.body.toString(), path).toContain(`request ${next.seen.length}</html>`);
    }
    expect(next.seen.map((r) => r.url)).toEqual(passed.map(([path]) => path));
    // A cookie that merely contains the name is no session.
    await get(`${base}/pricing`, { cookie: 'not-authjs.session-token=abc' });
    expect(next.seen).toHaveLength(passed.length);
  });

  it('keeps nothing that is not a cookie-free prerendered 200, and then leaves every request to Next', async () => {
    for (const options of [{ status: 500 }, { setCookie: true }, { prerendered: false }]) {
      const next = fakeNext(options);
      const { base, kept, of } = await start(next);
      expect(kept, JSON.stringify(options)).toBe(0);
      expect(of).toBe(8);
      await get(`${base}/pricing`);
      expect(next.seen, JSON.stringify(options)).toHaveLength(1);
    }
  });

  it('reads Accept-Encoding weights', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br, gzip;q=0.5')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('*;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
