import 'server-only';
import NextAuth, { CredentialsSignin, type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import Google from 'next-auth/providers/google';
import { DrizzleAdapter } from '@auth/drizzle-adapter';
import type { Adapter } from 'next-auth/adapters';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, sessions, teamMembers, teams, users, verificationTokens } from '@/db/schema';
import { normalizeEmail, verifyCredentials } from '@/lib/accounts';
import { RateLimited } from '@/lib/errors';
import { ClientAddressUnknown, clientAddress, trustBoundary } from '@/lib/http/client-address';
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess } from '@/lib/rate-limit';
import { getAppContext } from '@/lib/server/context';
import { configuredOAuthProviders } from './oauth-providers';
import { safeText } from '@/lib/validation/text';

class TooManyAttempts extends CredentialsSignin {
  code = 'rate_limited';
}

class UnknownClient extends CredentialsSignin {
  code = 'client_unknown';
}

// Hostile bytes (NUL, lone surrogates) in the address are refused here, before any query sees them.
const credentialsInput = z.object({ email: safeText({ min: 1, max: 254 }), password: z.string().min(1).max(200) });

/** OAuth users are stored and found by the same normalized address as password users. */
function normalizingEmails(adapter: Adapter): Adapter {
  return {
    ...adapter,
    createUser: (user) => adapter.createUser!({ ...user, email: normalizeEmail(user.email) }),
    getUserByEmail: (email) => adapter.getUserByEmail!(normalizeEmail(email)),
  };
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
        // Counted per (normalized email, address from the trust boundary): no spelling of the
        // address and no header the client writes gets a fresh counter.
        let subject;
        try {
          subject = {
            email: normalizeEmail(parsed.data.email),
            ip: clientAddress(request.headers, trustBoundary(app.env)),
          };
        } catch (err) {
          if (err instanceof ClientAddressUnknown) {
            app.logger.error({ reason: err.message }, 'Sign-in refused: client address unknown');
            throw new UnknownClient();
          }
          throw err;
        }
        try {
          await assertSignInAllowed(app, subject);
          const user = await verifyCredentials(app.db, subject.email, parsed.data.password);
          if (!user) {
            await recordSignInFailure(app, subject);
            return null;
          }
          await recordSignInSuccess(app, subject);
          return { id: user.id, email: user.email };
        } catch (err) {
          if (err instanceof RateLimited) throw new TooManyAttempts();
          throw err;
        }
      },
    }),
  ];
  for (const oauth of configuredOAuthProviders(app.env)) {
    const options = { clientId: oauth.clientId, clientSecret: oauth.clientSecret };
    providers.push(oauth.id === 'github' ? GitHub(options) : Google(options));
  }

  return {
    adapter: normalizingEmails(
      DrizzleAdapter(app.db, {
        usersTable: users,
        accountsTable: accounts,
        sessionsTable: sessions,
        verificationTokensTable: verificationTokens,
      }),
    ),
    // Credentials sign-in requires JWT sessions; they are stateless, so any instance can verify them.
    session: { strategy: 'jwt', maxAge: 7 * 24 * 3600 },
    secret: app.env.AUTH_SECRET,
    trustHost: true,
    pages: { signIn: '/signin' },
    // Auth.js logs to the console by default; a wrong password is not an error worth a stack trace.
    logger: {
      error(error) {
        if (error instanceof CredentialsSignin || error.name === 'CredentialsSignin') return;
        app.logger.error({ err: { name: error.name, message: error.message } }, 'Auth.js error');
      },
      warn(code) {
        app.logger.warn({ code }, 'Auth.js warning');
      },
      debug() {},
    },
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
