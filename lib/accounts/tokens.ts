import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { accountTokens } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { NotFound } from '@/lib/errors';

export type AccountTokenPurpose = 'verify_email' | 'reset_password';

/** How long a link works: a reset link is sign-in-equivalent, so it lives briefly. */
export const ACCOUNT_TOKEN_TTL_MS: Record<AccountTokenPurpose, number> = {
  verify_email: 48 * 3600_000,
  reset_password: 3600_000,
};

export interface TokenDeps {
  db: DbOrTx;
  clock: Clock;
  /** AUTH_SECRET: signs tokens so a forged or cross-purpose one is refused before any lookup. */
  secret: string;
}

const hashOf = (random: string) => createHash('sha256').update(random).digest('hex');
const signatureOf = (secret: string, purpose: AccountTokenPurpose, random: string) =>
  createHmac('sha256', secret).update(`${purpose}.${random}`).digest('base64url');

/**
 * A new single-use token for `purpose`: `<random>.<signature>`. Only the SHA-256 of the random
 * part is stored; the raw token exists only in the mail sent to `email`.
 */
export async function issueAccountToken(
  deps: TokenDeps,
  input: { userId: string; email: string; purpose: AccountTokenPurpose },
): Promise<string> {
  const random = randomBytes(32).toString('base64url');
  await deps.db.insert(accountTokens).values({
    userId: input.userId,
    email: input.email,
    purpose: input.purpose,
    tokenHash: hashOf(random),
    expiresAt: new Date(deps.clock.now().getTime() + ACCOUNT_TOKEN_TTL_MS[input.purpose]),
  });
  return `${random}.${signatureOf(deps.secret, input.purpose, random)}`;
}

export class AccountTokenInvalid extends NotFound {
  constructor() {
    super('This link is invalid, has already been used or has expired', 'token_invalid');
  }
}

/**
 * Marks the token used and returns whom it was issued to; throws AccountTokenInvalid when it is
 * forged, for another purpose, used or expired. Call inside the transaction that acts on it.
 */
export async function redeemAccountToken(
  deps: TokenDeps,
  token: string,
  purpose: AccountTokenPurpose,
): Promise<{ userId: string; email: string }> {
  const [random, signature] = token.split('.');
  if (!random || !signature || token.length > 200) throw new AccountTokenInvalid();
  const expected = Buffer.from(signatureOf(deps.secret, purpose, random));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new AccountTokenInvalid();
  const [row] = await deps.db
    .update(accountTokens)
    .set({ usedAt: deps.clock.now() })
    .where(
      and(
        eq(accountTokens.tokenHash, hashOf(random)),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`${deps.clock.now().toISOString()}::timestamptz`),
      ),
    )
    .returning({ userId: accountTokens.userId, email: accountTokens.email });
  if (!row) throw new AccountTokenInvalid();
  return row;
}

/** Voids every open token of a user for a purpose (after a reset, older reset links stop working). */
export async function voidAccountTokens(deps: TokenDeps, userId: string, purpose: AccountTokenPurpose): Promise<void> {
  await deps.db
    .update(accountTokens)
    .set({ usedAt: deps.clock.now() })
    .where(and(eq(accountTokens.userId, userId), eq(accountTokens.purpose, purpose), isNull(accountTokens.usedAt)));
}
