import { createHash } from 'node:crypto';

/**
 * Stripe gives every card number one `fingerprint` (16 alphanumerics) on an account, the same on
 * every PaymentMethod and Charge made with it: apps use it to recognise a card seen before.
 */
export function cardFingerprint(number: string): string {
  const digest = createHash('sha256').update(`agileforge-emulator-card:${number}`).digest('base64');
  return digest.replace(/[^A-Za-z0-9]/g, '').slice(0, 16);
}
