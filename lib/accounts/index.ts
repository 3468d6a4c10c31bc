import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { teamMembers, teams, users } from '@/db/schema';
import { Conflict, ValidationFailed } from '@/lib/errors';
import { checkText } from '@/lib/validation/text';
import { hashPassword, passwordWeakness, verifyPassword } from './passwords';

export { passwordWeakness } from './passwords';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewUser {
  id: string;
  email: string;
  teamId: string;
}

/** Creates a user with a password and their personal team (owner, current team). */
export async function createUser(
  db: DbOrTx,
  input: { email: string; password: string; name?: string; isPlatformAdmin?: boolean },
): Promise<NewUser> {
  const email = normaliseEmail(checkText('email', input.email, { max: 254 }));
  const name =
    input.name === undefined || input.name.trim() === '' ? undefined : checkText('name', input.name, { max: 100 });
  if (!EMAIL.test(email) || email.length > 254) throw new ValidationFailed('email: must be a valid email address');
  const weakness = passwordWeakness(input.password);
  if (weakness) throw new ValidationFailed(`password: ${weakness}`);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(users)
      .values({
        email,
        name: name ?? null,
        passwordHash,
        isPlatformAdmin: input.isPlatformAdmin ?? false,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    const user = inserted[0];
    if (!user) throw new Conflict('An account with this email already exists', 'email_taken');
    const [team] = await tx
      .insert(teams)
      .values({ name: `${name || email.split('@')[0]}'s team`, ownerId: user.id, isPersonal: true })
      .returning({ id: teams.id });
    await tx.insert(teamMembers).values({ teamId: team!.id, userId: user.id, role: 'owner' });
    await tx.update(users).set({ currentTeamId: team!.id }).where(eq(users.id, user.id));
    return { id: user.id, email, teamId: team!.id };
  });
}

/**
 * The user for an email and password, or null. The same null for an unknown email and a wrong
 * password, and a hash is verified either way so timing does not tell them apart.
 */
export async function verifyCredentials(
  db: DbOrTx,
  email: string,
  password: string,
): Promise<{ id: string; email: string } | null> {
  const [user] = await db
    .select({ id: users.id, email: users.email, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normaliseEmail(email)));
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  return user?.passwordHash && ok ? { id: user.id, email: user.email } : null;
}

// A valid argon2id hash of a random string, verified when the email is unknown.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$2Y7axP+RAX45hOZCKgBHpA$+izpRJ1o9Un3gDzH+mHf7/Hq4Nnee22H+LeSHnGlesA';
