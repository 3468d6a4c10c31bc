import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { apiTokens, users } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { getTeamEntitlements } from '@/lib/entitlements';
import { NotFound, PlanUpgradeRequired, ValidationFailed } from '@/lib/errors';
import { normalizeEmail } from '@/lib/accounts/email';
import { checkText, checkUuid } from '@/lib/validation/text';
import { apiAccessRefusal, type ApiTokenKind } from './rules';

export { apiAccessRefusal, type ApiTokenKind } from './rules';

/** Recognisable prefix, so a leaked token can be found by secret scanners and people. */
export const TOKEN_PREFIX = 'afk_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  id: string;
  name: string;
  /** Shown once; only its hash is stored. */
  token: string;
  displayPrefix: string;
  expiresAt: Date | null;
}

export async function createApiToken(
  deps: { db: DbOrTx; clock: Clock },
  userId: string,
  input: { name: string; expiresInDays?: number | null; kind: ApiTokenKind },
): Promise<CreatedToken> {
  const name = checkText('name', input.name, { max: 100 });
  if (
    input.expiresInDays != null &&
    (!Number.isInteger(input.expiresInDays) || input.expiresInDays < 1 || input.expiresInDays > 3650)
  ) {
    throw new ValidationFailed('expires_in_days: must be a whole number of days from 1 to 3650');
  }
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = input.expiresInDays
    ? new Date(deps.clock.now().getTime() + input.expiresInDays * 86_400_000)
    : null;
  const displayPrefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const [row] = await deps.db
    .insert(apiTokens)
    .values({ userId, name, displayPrefix, tokenHash: hashToken(token), expiresAt, kind: input.kind })
    .returning({ id: apiTokens.id });
  return { id: row!.id, name, token, displayPrefix, expiresAt };
}

/** Refuses (403, naming the plan to upgrade to) when a token of this kind may not act for the team. */
export async function assertApiAccess(
  deps: { db: DbOrTx; clock: Clock },
  kind: ApiTokenKind,
  teamId: string,
): Promise<void> {
  if (kind === 'service') return;
  const refusal = apiAccessRefusal(kind, await getTeamEntitlements(deps, teamId));
  if (refusal) throw new PlanUpgradeRequired(refusal.message, refusal.details);
}

/** A token a user creates for themselves: only while their current team's plan includes API access. */
export async function createUserApiToken(
  deps: { db: DbOrTx; clock: Clock },
  userId: string,
  teamId: string,
  input: { name: string; expiresInDays?: number | null },
): Promise<CreatedToken> {
  checkText('name', input.name, { max: 100 }); // bad input is answered as such, whatever the plan
  await assertApiAccess(deps, 'user', teamId);
  return createApiToken(deps, userId, { ...input, kind: 'user' });
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The user a bearer token belongs to, or null when it is unknown, revoked or expired. */
export async function authenticateToken(
  deps: { db: DbOrTx; clock: Clock },
  token: string,
): Promise<{ userId: string; tokenId: string; kind: ApiTokenKind } | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const now = deps.clock.now();
  const [row] = await deps.db
    .select({
      id: apiTokens.id,
      userId: apiTokens.userId,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      kind: apiTokens.kind,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  // Writing the same row on every request serialised a busy token's requests; a minute is precise enough.
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt < staleBefore) {
    await deps.db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
  }
  return { userId: row.userId, tokenId: row.id, kind: row.kind };
}

export async function listApiTokens(db: DbOrTx, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      displayPrefix: apiTokens.displayPrefix,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      expiresAt: apiTokens.expiresAt,
    })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt));
}

export async function revokeApiToken(
  deps: { db: DbOrTx; clock: Clock },
  userId: string,
  tokenId: string,
): Promise<void> {
  checkUuid('token_id', 'token', tokenId);
  const revoked = await deps.db
    .update(apiTokens)
    .set({ revokedAt: deps.clock.now() })
    .where(and(eq(apiTokens.id, tokenId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked.length === 0) throw new NotFound('Token not found');
}

export async function userIdByEmail(db: DbOrTx, email: string): Promise<string | null> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, normalizeEmail(email)));
  return row?.id ?? null;
}
