import { ClientClosedRequest, PayloadTooLarge } from '@/lib/errors';

/** Every JSON route's limit; far above any real request body of this API. */
export const JSON_BODY_LIMIT_BYTES = 64 * 1024;
/** Stripe's events are well under this. */
export const WEBHOOK_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * The request body as text, counted while it streams: a body past `limitBytes` is refused (413)
 * as soon as the limit is crossed, never buffered whole first, whatever Content-Length claims.
 */
export async function readBodyText(req: Request, limitBytes: number): Promise<string> {
  const declared = Number(req.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLarge(limitBytes);
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    // A request body fails to stream only when its client went away (Node's "aborted",
    // ECONNRESET): answered as such, never as our database or Stripe being unavailable.
    const { done, value } = await reader.read().catch(() => {
      throw new ClientClosedRequest();
    });
    if (done) break;
    received += value.byteLength;
    if (received > limitBytes) {
      reader.cancel().catch(() => {});
      throw new PayloadTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
