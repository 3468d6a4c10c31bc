import 'server-only';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, sessions, teamMembers, teams, users, verificationTokens } from '@/db/schema';
import { verifyCredentials } from '@/lib/accounts';
import { RateLimited } from '@/lib/errors';
import { hitRateLimit, RATE_LIMITS } from '@/lib/rate-limit';
import { getAppContext } from '@/lib/server/context';
import { configuredOAuthProviders } from './oauth-providers';

class TooManyAttempts extends CredentialsSignin {
  code = 'rate_limited';
}

const credentialsInput = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(200) });

function clientIp(request: Request): string {
  return request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || request.headers.get('x-real-ip') || 'unknown';
}

// Lazy config: the database is only opened on the first request, never at build time.
export const { handlers, auth, signIn, signOut } = NextAuth((): NextAuthConfig => {
  const app = getAppContext();
  const providers: NextAuthConfig['providers'] = [
    Credentials({
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw, request) {
        const parsed = credentialsInput.safeParse(raw);
        if (!parsed.success) return null;
        try {
          await hitRateLimit(app, RATE_LIMITS.signIn, `ip:${clientIp(request)}`);
          await hitRateLimit(app, RATE_LIMITS.signIn, `email:${parsed.data.email.toLowerCase()}`);
        } catch (err) {
          if (err instanceof RateLimited) throw new TooManyAttempts();
          throw err;
        }
        const user = await verifyCredentials(app.db, parsed.data.email, parsed.data.password);
        return user ? { id: user.id, email: user.email } : null;
      },
    }),
  ];
  for (const oauth of configuredOAuthProviders(app.env)) {
    const options = { clientId: oauth.clientId, clientSecret: oauth.clientSecret };
    providers.push(oauth.id === 'github' ? GitHub(options) : Google(options));
  }

  return {
    adapter: DrizzleAdapter(app.db, {
      usersTable: users,
      accountsTable: accounts,
      sessionsTable: sessions,
      verificationTokensTable: verificationTokens,
    }),
    // Credentials sign-in requires JWT sessions; they are stateless, so any instance can verify them.
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    secret: app.env.AUTH_SECRET,
    trustHost: true,
    pages: { signIn: '/signin' },
    providers,
    callbacks: {
      jwt({ token, user }) {
        if (user?.id) token.sub = user.id;
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      // OAuth sign-ups get their personal team like password sign-ups do.
      async createUser({ user }) {
        if (!user.id) return;
        const [team] = await app.db
          .insert(teams)
          .values({ name: `${user.name ?? user.email ?? 'My'}'s team`, ownerId: user.id, isPersonal: true })
          .returning({ id: teams.id });
        await app.db.insert(teamMembers).values({ teamId: team!.id, userId: user.id, role: 'owner' });
        await app.db.update(users).set({ currentTeamId: team!.id }).where(eq(users.id, user.id));
      },
    },
  };
});

/** The signed-in user's id from the Auth.js session cookie, or null. */
export async function sessionUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}
