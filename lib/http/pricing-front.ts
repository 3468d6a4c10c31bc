import http, { type IncomingMessage, type OutgoingHttpHeaders, type RequestListener } from 'node:http';
import { PRERENDERED_PRICING, prerenderedPricingVariant, type PricingVariant } from '@/lib/pricing/prerendered';

/**
 * The signed-out /pricing page, answered from memory by the server entry (scripts/server.ts)
 * before Next sees the request. The page is built once per build (dynamic = 'error'), so Next
 * itself only ever sends the same bytes; what it costs is its router and proxy.ts on every
 * request, several times a static file's cost. At start-up the server asks itself for each
 * variant, plain and gzipped, through Next, and keeps the status, headers and body exactly as
 * Next sent them. A request is served from that copy only when Next would have served the very
 * same prerendered page (prerenderedPricingVariant, the function proxy.ts decides with) and it is
 * not one of the App Router's own navigation requests, which get other content at the same URL.
 */

interface CapturedResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  etag: string | undefined;
}

const ENCODINGS = ['identity', 'gzip'] as const;
type Encoding = (typeof ENCODINGS)[number];

// Next's Vary list: these request headers change what /pricing answers (RSC payloads, prefetches).
const ROUTER_HEADERS = [
  'rsc',
  'next-router-state-tree',
  'next-router-prefetch',
  'next-router-segment-prefetch',
  'next-url',
];
// Hop-by-hop or per-response headers, set afresh by Node for each answer.
const NOT_REPLAYED = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);
const BILLING_QUERY = { month: '', year: '&billing=annual' } as const;

const keyOf = (variant: PricingVariant, encoding: Encoding) => `${variant.currency}/${variant.billing}/${encoding}`;

function cookieNames(header: string | undefined): Set<string> {
  return new Set((header ?? '').split(';').map((pair) => pair.split('=')[0]!.trim()));
}

/** Whether Accept-Encoding allows gzip (listed, or `*`, with a non-zero q). */
export function acceptsGzip(header: string | undefined): boolean {
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (name === 'gzip') gzip = weight;
    else if (name === '*') any = weight;
  }
  return (gzip ?? any ?? 0) > 0;
}

function fetchRaw(url: string, encoding: Encoding): Promise<CapturedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers: OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined && !NOT_REPLAYED.has(name)) headers[name] = value;
        }
        const etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks), etag });
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url}`)));
  });
}

function notModified(req: IncomingMessage, etag: string | undefined): boolean {
  const header = req.headers['if-none-match'];
  if (!header || !etag) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((tag) => bare(tag) === bare(etag));
}

export interface PricingFront {
  /** Asks the running server (`baseUrl`) for every variant and encoding; says how many of how many were kept. */
  capture(baseUrl: string): Promise<{ kept: number; of: number }>;
  /** Wraps Next's request handler: answers the requests it can from memory, passes on the rest. */
  wrap(handler: RequestListener): RequestListener;
}

export function createPricingFront(): PricingFront {
  let copies = new Map<string, CapturedResponse>();

  function lookup(req: IncomingMessage): CapturedResponse | undefined {
    if (copies.size === 0 || !req.url?.startsWith('/pricing')) return undefined;
    if (ROUTER_HEADERS.some((name) => req.headers[name] !== undefined)) return undefined;
    let url: URL;
    try {
      url = new URL(req.url, 'http://front.invalid');
    } catch {
      return undefined;
    }
    const cookies = cookieNames(req.headers.cookie);
    const variant = prerenderedPricingVariant({
      method: req.method ?? 'GET',
      url,
      hasCookie: (name) => cookies.has(name),
      acceptLanguage: req.headers['accept-language'] ?? null,
    });
    if (!variant) return undefined;
    return (
      (acceptsGzip(req.headers['accept-encoding']) ? copies.get(keyOf(variant, 'gzip')) : undefined) ??
      copies.get(keyOf(variant, 'identity'))
    );
  }

  return {
    async capture(baseUrl) {
      // Filled aside and swapped in at the end: until then every request (these included) goes to Next.
      const captured = new Map<string, CapturedResponse>();
      copies = new Map();
      for (const variant of PRERENDERED_PRICING) {
        for (const encoding of ENCODINGS) {
          const query = `currency=${variant.currency}${BILLING_QUERY[variant.billing]}`;
          const answer = await fetchRaw(`${baseUrl}/pricing?${query}`, encoding);
          const encoded = answer.headers['content-encoding'];
          // Only a plain, cookie-free 200 of the prerendered page, in the encoding asked for, is kept.
          const usable =
            answer.status === 200 &&
            answer.headers['set-cookie'] === undefined &&
            answer.headers['x-nextjs-prerender'] !== undefined &&
            (encoding === 'gzip' ? encoded === 'gzip' : encoded === undefined);
          if (usable) captured.set(keyOf(variant, encoding), answer);
        }
      }
      copies = captured;
      return { kept: copies.size, of: PRERENDERED_PRICING.length * ENCODINGS.length };
    },
    wrap(handler) {
      return (req, res) => {
        const copy = lookup(req);
        if (!copy) return handler(req, res);
        if (notModified(req, copy.etag)) {
          const kept = { etag: copy.etag, vary: copy.headers.vary, 'cache-control': copy.headers['cache-control'] };
          res.writeHead(304, Object.fromEntries(Object.entries(kept).filter(([, value]) => value !== undefined)));
          res.end();
          return;
        }
        res.writeHead(copy.status, { ...copy.headers, 'content-length': copy.body.length });
        res.end(req.method === 'HEAD' ? undefined : copy.body);
      };
    },
  };
}
