import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import type { Database } from '@/db/client';
import { rateLimiterCounters } from '@/db/schema';
import { RateLimited } from '@/lib/errors';

/*
 * Every limit is a rate-limiter-flexible limiter on the RateLimiterDrizzle store, i.e. a row in
 * `rate_limiter_counters` in the app's PostgreSQL, so all instances share the counts. Nothing is
 * kept in process memory. The library reads the wall clock (Date) itself; tests move it with fake timers.
 */

/** Sign-in: the login-protection recipe of rate-limiter-flexible's documentation. */
export const SIGN_IN = {
  /** Consecutive failures for one (email, IP) pair before that pair is blocked. */
  maxConsecutiveFailsByEmailAndIp: 10,
  /** Failures from one IP in a day, any email, before the IP is blocked for a day. */
  maxFailsByIpPerDay: 100,
  /** The first block of a pair; each further block of the same pair doubles, up to a day. */
  firstBlockSeconds: 15 * 60,
  maxBlockSeconds: 24 * 3600,
} as const;

/** Plain per-subject limits: `points` actions per `durationSeconds`. */
export interface RateLimitRule {
  /** The limiter's key prefix in `rate_limiter_counters`. */
  name: string;
  points: number;
  durationSeconds: number;
}

export const RATE_LIMITS = {
  checkout: { name: 'checkout', points: 10, durationSeconds: 60 },
  signUp: { name: 'sign_up', points: 10, durationSeconds: 3600 },
  /** Password-reset and verification mails asked for, per IP and per address. */
  accountMail: { name: 'account_mail', points: 5, durationSeconds: 3600 },
} as const satisfies Record<string, RateLimitRule>;

interface Limiters {
  pairFails: RateLimiterDrizzle;
  pairBlocks: RateLimiterDrizzle;
  ipDayFails: RateLimiterDrizzle;
  rules: Map<string, RateLimiterDrizzle>;
}

const limitersByDb = new WeakMap<Database, Limiters>();

function limiter(db: Database, keyPrefix: string, points: number, duration: number): RateLimiterDrizzle {
  return new RateLimiterDrizzle({ storeClient: db, schema: rateLimiterCounters, keyPrefix, points, duration });
}

function limitersFor(db: Database): Limiters {
  let found = limitersByDb.get(db);
  if (!found) {
    found = {
      // Kept 90 days since the first failure, as in the recipe: "consecutive" ends only with a success.
      pairFails: limiter(db, 'sign_in_fail_email_ip', SIGN_IN.maxConsecutiveFailsByEmailAndIp, 90 * 86_400),
      // How many times the pair has been blocked; sets the next block's length.
      pairBlocks: limiter(db, 'sign_in_blocks_email_ip', 1_000_000, 30 * 86_400),
      ipDayFails: limiter(db, 'sign_in_fail_ip_day', SIGN_IN.maxFailsByIpPerDay, 86_400),
      rules: new Map(),
    };
    limitersByDb.set(db, found);
  }
  return found;
}

const retrySeconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

// The address cannot contain "|", so no email can make two pairs share a key.
const pairKey = (email: string, ip: string) => `${ip}|${email}`;

export interface SignInSubject {
  /** Normalized (normalizeEmail). */
  email: string;
  /** From the trust boundary (clientAddress), never from the request body. */
  ip: string;
}

/**
 * Refuses (RateLimited) before the password is even checked when this IP has failed too often
 * today or this (email, IP) pair is blocked. There is deliberately no per-email limit: failures
 * from elsewhere never refuse the owner's correct password from an address that has not failed.
 */
export async function assertSignInAllowed(deps: { db: Database }, subject: SignInSubject): Promise<void> {
  const l = limitersFor(deps.db);
  const [pair, ip] = await Promise.all([
    l.pairFails.get(pairKey(subject.email, subject.ip)),
    l.ipDayFails.get(subject.ip),
  ]);
  if (ip && ip.consumedPoints >= SIGN_IN.maxFailsByIpPerDay) throw new RateLimited(retrySeconds(ip));
  if (pair && pair.consumedPoints >= SIGN_IN.maxConsecutiveFailsByEmailAndIp) throw new RateLimited(retrySeconds(pair));
}

/**
 * Counts a failed sign-in against the pair and the IP. The failure that reaches a limit blocks:
 * the IP for a day, the pair for 15 minutes doubling with each block of that pair.
 */
export async function recordSignInFailure(deps: { db: Database }, subject: SignInSubject): Promise<void> {
  const l = limitersFor(deps.db);
  const key = pairKey(subject.email, subject.ip);
  const [pair, ip] = await Promise.all([l.pairFails.penalty(key), l.ipDayFails.penalty(subject.ip)]);
  if (ip.consumedPoints === SIGN_IN.maxFailsByIpPerDay) await l.ipDayFails.block(subject.ip, 86_400);
  if (pair.consumedPoints >= SIGN_IN.maxConsecutiveFailsByEmailAndIp) {
    const blocks = await l.pairBlocks.penalty(key);
    const seconds = Math.min(SIGN_IN.maxBlockSeconds, SIGN_IN.firstBlockSeconds * 2 ** (blocks.consumedPoints - 1));
    await l.pairFails.block(key, seconds);
  }
}

/** A correct password resets the pair's consecutive failures and its block history. */
export async function recordSignInSuccess(deps: { db: Database }, subject: SignInSubject): Promise<void> {
  const l = limitersFor(deps.db);
  const key = pairKey(subject.email, subject.ip);
  await Promise.all([l.pairFails.delete(key), l.pairBlocks.delete(key)]);
}

/** Counts one action of `rule` for `subject`; past the limit throws RateLimited (429, Retry-After). */
export async function consumeRateLimit(deps: { db: Database }, rule: RateLimitRule, subject: string): Promise<void> {
  const l = limitersFor(deps.db);
  let rl = l.rules.get(rule.name);
  if (!rl) {
    rl = limiter(deps.db, rule.name, rule.points, rule.durationSeconds);
    l.rules.set(rule.name, rl);
  }
  try {
    await rl.consume(subject);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new RateLimited(retrySeconds(err));
    throw err;
  }
}
