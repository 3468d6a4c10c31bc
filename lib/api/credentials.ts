import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { AppContext } from '@/lib/server/context';
import type { ActiveTeam } from '@/lib/teams/membership';
import { authenticateBearer, type ApiTokenKind } from '@/lib/tokens';

export interface AuthedUser {
  id: string;
  email: string;
  isPlatformAdmin: boolean;
  via: 'token' | 'session';
  /** Set for bearer requests: user tokens follow the team's API access, service tokens do not. */
  tokenKind?: ApiTokenKind;
}

type SessionResolver = (req: Request) => Promise<string | null>;

// Auth.js is loaded only when a request has no bearer token; tests replace the resolver.
let resolveSessionUserId: SessionResolver = async () => {
  try {
    const { sessionUserId } = await import('@/lib/auth/config');
    return await sessionUserId();
  } catch {
    return null;
  }
};

export function setSessionResolver(resolver: SessionResolver): void {
  resolveSessionUserId = resolver;
}

export interface Caller {
  user: AuthedUser;
  /** Resolved with a bearer token in the same query; undefined for sessions (resolve it separately). */
  team?: ActiveTeam | null;
}

/**
 * The caller behind `Authorization: Bearer afk_...` (token, user and current team in one query) or
 * the session cookie, or null. A deleted user's still-valid session or token stops working here.
 */
export async function resolveCaller(app: Pick<AppContext, 'db' | 'clock'>, req: Request): Promise<Caller | null> {
  const header = req.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return null;
    const bearer = await authenticateBearer(app, match[1]!);
    if (!bearer) return null;
    return { user: { ...bearer.user, via: 'token', tokenKind: bearer.kind }, team: bearer.team };
  }
  const userId = await resolveSessionUserId(req);
  if (!userId) return null;
  const [user] = await app.db
    .select({ id: users.id, email: users.email, isPlatformAdmin: users.isPlatformAdmin })
    .from(users)
    .where(eq(users.id, userId));
  return user ? { user: { ...user, via: 'session' } } : null;
}

/** The user behind the bearer token or the session cookie, or null. */
export async function resolveUser(app: Pick<AppContext, 'db' | 'clock'>, req: Request): Promise<AuthedUser | null> {
  return (await resolveCaller(app, req))?.user ?? null;
}
