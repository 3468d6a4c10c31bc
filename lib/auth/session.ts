import 'server-only';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { eq } from 'drizzle-orm';
import { users } from '@/db/schema';
import { getAppContext } from '@/lib/server/context';
import { resolveCurrentTeam, type ActiveTeam } from '@/lib/teams/membership';
import { auth } from './config';

export interface PageUser {
  id: string;
  email: string;
  name: string | null;
  isPlatformAdmin: boolean;
  emailVerified: Date | null;
  team: ActiveTeam | null;
}

/** Only same-site paths may be a post-sign-in destination (no open redirects). */
export function safeCallbackPath(value: unknown, fallback = '/account'): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\')
    ? value
    : fallback;
}

export async function currentUser(): Promise<PageUser | null> {
  // Per-request: never prerender a page as signed-out.
  await connection();
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  const app = getAppContext();
  const [user] = await app.db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isPlatformAdmin: users.isPlatformAdmin,
      emailVerified: users.emailVerified,
    })
    .from(users)
    .where(eq(users.id, id));
  if (!user) return null;
  return { ...user, team: await resolveCurrentTeam(app.db, id) };
}

/** The signed-in user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<PageUser> {
  const user = await currentUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
