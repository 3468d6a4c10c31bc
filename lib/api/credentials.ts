import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import type { AppContext } from '@/lib/server/context';
import { authenticateToken, type ApiTokenKind } from '@/lib/tokens';

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

/** The user behind `Authorization: Bearer afk_...` or the session cookie, or null. */
export async function resolveUser(app: Pick<AppContext, 'db' | 'clock'>, req: Request): Promise<AuthedUser | null> {
  const header = req.headers.get('authorization');
  let userId: string | null;
  let via: AuthedUser['via'];
  let tokenKind: ApiTokenKind | undefined;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return null;
    const result = await authenticateToken(app, match[1]!);
    userId = result?.userId ?? null;
    tokenKind = result?.kind;
    via = 'token';
  } else {
    userId = await resolveSessionUserId(req);
    via = 'session';
  }
  if (!userId) return null;
  // A deleted user's still-valid session or token stops working here.
  const [user] = await app.db
    .select({ id: users.id, email: users.email, isPlatformAdmin: users.isPlatformAdmin })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) return null;
  return tokenKind ? { ...user, via, tokenKind } : { ...user, via };
}
