import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { apiTokens, teamMembers, teams, users } from '@/db/schema';
import type { Clock } from '@/lib/clock';
import { getTeamEntitlements } from '@/lib/entitlements';
import { NotFound, PlanUpgradeRequired, ValidationFailed } from '@/lib/errors';
import { normalizeEmail } from '@/lib/accounts/email';
import type { ActiveTeam, TeamRole } from '@/lib/teams/membership';
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

/** Writing the same row on every request serialised a busy token's requests; a minute is precise enough. */
async function touchToken(db: DbOrTx, tokenId: string, now: Date): Promise<void> {
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  await db
    .update(apiTokens)
    .set({ lastUsedAt: now })
    .where(and(eq(apiTokens.id, tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, staleBefore))));
}

/** The user a bearer token belongs to, or null when it is unknown, revoked or expired. */
export async function authenticateToken(
  deps: { db: DbOrTx; clock: Clock },
  token: string,
): Promise<{ userId: string; tokenId: string; kind: ApiTokenKind } | null> {
  const caller = await authenticateBearer(deps, token);
  return caller ? { userId: caller.user.id, tokenId: caller.tokenId, kind: caller.kind } : null;
}

export interface BearerCaller {
  tokenId: string;
  kind: ApiTokenKind;
  user: { id: string; email: string; isPlatformAdmin: boolean };
  /** The user's current team and role there (falling back to their first membership), or null. */
  team: ActiveTeam | null;
}

/**
 * The caller behind a bearer token in one query: the token (unknown, revoked or expired → null),
 * its user, and the user's current team and role, resolved as `resolveCurrentTeam` does (the
 * current team if still a member, else the oldest membership). `last_used_at` is written at most
 * once a minute, in a second statement only when due.
 */
export async function authenticateBearer(
  deps: { db: DbOrTx; clock: Clock },
  token: string,
): Promise<BearerCaller | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const now = deps.clock.now();
  const at = sql`${now.toISOString()}::timestamptz`;
  const [row] = await deps.db.execute<{
    token_id: string;
    kind: ApiTokenKind;
    stale: boolean;
    user_id: string;
    email: string;
    is_platform_admin: boolean;
    team_id: string | null;
    team_name: string | null;
    role: TeamRole | null;
    billing_currency: string | null;
  }>(sql`SELECT ${apiTokens.id} AS token_id, ${apiTokens.kind} AS kind,
      (${apiTokens.lastUsedAt} IS NULL OR ${apiTokens.lastUsedAt} < ${at} - interval '${sql.raw(String(LAST_USED_RESOLUTION_MS))} milliseconds') AS stale,
      ${users.id} AS user_id, ${users.email} AS email, ${users.isPlatformAdmin} AS is_platform_admin,
      m.team_id, ${teams.name} AS team_name, m.role, ${teams.billingCurrency} AS billing_currency
    FROM ${apiTokens}
    JOIN ${users} ON ${users.id} = ${apiTokens.userId}
    LEFT JOIN LATERAL (
      SELECT ${teamMembers.teamId} AS team_id, ${teamMembers.role} AS role FROM ${teamMembers}
      WHERE ${teamMembers.userId} = ${users.id}
      ORDER BY (${teamMembers.teamId} = ${users.currentTeamId}) DESC NULLS LAST, ${teamMembers.createdAt} ASC
      LIMIT 1
    ) m ON true
    LEFT JOIN ${teams} ON ${teams.id} = m.team_id
    WHERE ${apiTokens.tokenHash} = ${hashToken(token)} AND ${apiTokens.revokedAt} IS NULL
      AND (${apiTokens.expiresAt} IS NULL OR ${apiTokens.expiresAt} > ${at})`);
  if (!row) return null;
  if (row.stale) await touchToken(deps.db, row.token_id, now);
  return {
    tokenId: row.token_id,
    kind: row.kind,
    user: { id: row.user_id, email: row.email, isPlatformAdmin: row.is_platform_admin },
    team:
      row.team_id && row.team_name && row.role
        ? { id: row.team_id, name: row.team_name, role: row.role, billingCurrency: row.billing_currency }
        : null,
  };
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
