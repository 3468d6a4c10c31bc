/**
 * The one spelling of an email address the system stores, looks up and counts attempts by:
 * trimmed of surrounding whitespace, Unicode NFC (so a composed and a decomposed "ë" are one
 * address), lower case. Sign-up, sign-in, invitations, password reset and the CLI all use it.
 */
export function normalizeEmail(raw: string): string {
  return raw.trim().normalize('NFC').toLowerCase();
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Whether a normalized address looks like an address at all (the mail server decides the rest). */
export function isPlausibleEmail(normalized: string): boolean {
  return normalized.length <= 254 && EMAIL_SHAPE.test(normalized);
}
