import 'server-only';
import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { users } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import type { Env } from '@/lib/config/env';
import { ValidationFailed } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import type { Mailer } from '@/lib/mail';
import { consumeRateLimit, RATE_LIMITS } from '@/lib/rate-limit';
import { isPlausibleEmail, normalizeEmail } from './email';
import { findUserByEmail, insertUser, validateNewUser, type NewUserInput } from './index';
import { hashPassword, passwordWeakness } from './passwords';
import { issueAccountToken, redeemAccountToken, voidAccountTokens, type TokenDeps } from './tokens';

/** What the account flows need: the database, clock, mail, and APP_URL/AUTH_SECRET for links. */
export interface AccountDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  mailer: Mailer;
  env: Pick<Env, 'APP_URL' | 'AUTH_SECRET'>;
}

function tokenDeps(deps: AccountDeps, db: TokenDeps['db'] = deps.db): TokenDeps {
  if (!deps.env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set: account links cannot be signed');
  return { db, clock: deps.clock, secret: deps.env.AUTH_SECRET };
}

const link = (deps: AccountDeps, path: string, token: string) =>
  new URL(`${path}?token=${encodeURIComponent(token)}`, deps.env.APP_URL).toString();

async function mailVerification(deps: AccountDeps, user: { id: string; email: string }): Promise<void> {
  const token = await issueAccountToken(tokenDeps(deps), {
    userId: user.id,
    email: user.email,
    purpose: 'verify_email',
  });
  await deps.mailer.send({
    to: user.email,
    subject: 'Confirm your email address for AgileForge',
    text: `Welcome to AgileForge.\n\nConfirm that this address is yours (the link works for 48 hours):\n${link(deps, '/verify-email', token)}\n\nIf you did not create an account, ignore this mail.`,
  });
}

async function mailReset(deps: AccountDeps, user: { id: string; email: string }, why: 'asked' | 'sign_up_attempt') {
  const token = await issueAccountToken(tokenDeps(deps), {
    userId: user.id,
    email: user.email,
    purpose: 'reset_password',
  });
  const url = link(deps, '/reset-password', token);
  await deps.mailer.send(
    why === 'asked'
      ? {
          to: user.email,
          subject: 'Reset your AgileForge password',
          text: `Someone (hopefully you) asked to reset the password of your AgileForge account.\n\nChoose a new password (the link works for one hour, once):\n${url}\n\nIf it was not you, ignore this mail; your password is unchanged.`,
        }
      : {
          to: user.email,
          subject: 'Someone tried to sign up with your address',
          text: `Someone tried to create an AgileForge account with this address, which already has one.\n\nIf it was you, sign in at ${new URL('/signin', deps.env.APP_URL)}, or, if you forgot your password, choose a new one (the link works for one hour, once):\n${url}\n\nIf it was not you, ignore this mail; nothing has changed.`,
        },
  );
}

/**
 * A visitor's sign-up. The answer is the same whether or not the address is registered, so it
 * cannot be used to find accounts: a new address gets an account and a verification mail, a
 * registered one a "someone tried to sign up with your address" mail with a reset link. The
 * argon2 hash is computed only after the input is valid and the per-IP limit allows it, and on
 * both paths, so timing does not tell them apart either.
 */
export async function signUp(deps: AccountDeps, input: NewUserInput, clientIp: string): Promise<void> {
  const { email, name } = validateNewUser(input);
  await consumeRateLimit(deps, RATE_LIMITS.signUp, `ip:${clientIp}`);
  const passwordHash = await hashPassword(input.password);
  const created = await insertUser(deps.db, { email, name, passwordHash });
  if (created) {
    deps.logger.info({ userId: created.id }, 'User signed up');
    await mailVerification(deps, created);
    return;
  }
  const existing = await findUserByEmail(deps.db, email);
  if (existing) await mailReset(deps, existing, 'sign_up_attempt');
}

/** "Forgot password": mails a reset link when the address has an account; says nothing either way. */
export async function requestPasswordReset(deps: AccountDeps, rawEmail: string, clientIp: string): Promise<void> {
  const email = normalizeEmail(rawEmail);
  if (!isPlausibleEmail(email)) throw new ValidationFailed('email: must be a valid email address');
  await consumeRateLimit(deps, RATE_LIMITS.accountMail, `ip:${clientIp}`);
  // Per address too, so nobody can flood someone's inbox from many IPs.
  await consumeRateLimit(deps, RATE_LIMITS.accountMail, `email:${email}`);
  const user = await findUserByEmail(deps.db, email);
  if (user) await mailReset(deps, user, 'asked');
}

/**
 * Sets a new password from a reset link. The link is single-use, and every other open reset link
 * of the account stops working. Following it proves the mailbox, so the address counts as verified.
 */
export async function resetPassword(deps: AccountDeps, token: string, password: string): Promise<{ email: string }> {
  const weakness = passwordWeakness(password);
  if (weakness) throw new ValidationFailed(`password: ${weakness}`);
  const passwordHash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    const { userId, email } = await redeemAccountToken(tokenDeps(deps, tx), token, 'reset_password');
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    const now = deps.clock.now();
    await tx
      .update(users)
      .set(user?.email === email ? { passwordHash, emailVerified: now } : { passwordHash })
      .where(eq(users.id, userId));
    await voidAccountTokens(tokenDeps(deps, tx), userId, 'reset_password');
    deps.logger.info({ userId }, 'Password reset');
    return { email: user?.email ?? email };
  });
}

/** Marks the address verified when the link was sent to the account's current address. */
export async function verifyEmail(deps: AccountDeps, token: string): Promise<{ email: string }> {
  return deps.db.transaction(async (tx) => {
    const { userId, email } = await redeemAccountToken(tokenDeps(deps, tx), token, 'verify_email');
    const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
    if (user?.email === email)
      await tx.update(users).set({ emailVerified: deps.clock.now() }).where(eq(users.id, userId));
    deps.logger.info({ userId }, 'Email verified');
    return { email };
  });
}

/** Sends a new verification link to a signed-in user whose address is not verified yet. */
export async function resendVerification(deps: AccountDeps, userId: string): Promise<void> {
  const [user] = await deps.db
    .select({ id: users.id, email: users.email, emailVerified: users.emailVerified })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || user.emailVerified) return;
  await consumeRateLimit(deps, RATE_LIMITS.accountMail, `user:${user.id}`);
  await mailVerification(deps, user);
}
