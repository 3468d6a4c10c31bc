import { createHmac } from 'node:crypto';

/** Exactly Stripe's scheme, so `stripe.webhooks.constructEvent` verifies it unchanged. */
export function signPayload(payload: string, secret: string, timestampSeconds: number): string {
  const v1 = createHmac('sha256', secret).update(`${timestampSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${timestampSeconds},v1=${v1}`;
}
