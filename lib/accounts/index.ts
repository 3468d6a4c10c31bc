import { eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { teamMembers, teams, users } from '@/db/schema';
import { Conflict, ValidationFailed } from '@/lib/errors';
import { checkText } from '@/lib/validation/text';
import { isPlausibleEmail, normalizeEmail } from './email';
import { hashPassword, passwordWeakness, verifyPassword } from './passwords';

export { passwordWeakness } from './passwords';
export { normalizeEmail } from './email';

export interface NewUser {
  id: string;
  email: string;
  teamId: string;
}

export interface NewUserInput {
  email: string;
  password: string;
  name?: string;
  isPlatformAdmin?: boolean;
}

/** Checks a sign-up's fields without hashing anything; returns them normalized. */
export function validateNewUser(input: NewUserInput): { email: string; name: string | null } {
  const email = normalizeEmail(checkText('email', input.email, { max: 254 }));
  if (!isPlausibleEmail(email)) throw new ValidationFailed('email: must be a valid email address');
  const weakness = passwordWeakness(input.password);
  if (weakness) throw new ValidationFailed(`password: ${weakness}`);
  const name =
    input.name === undefined || input.name.trim() === '' ? null : checkText('name', input.name, { max: 100 }).trim();
  return { email, name };
}

/**
 * Inserts a user with an already-hashed password and their personal team (owner, current team).
 * Returns null when the address is taken.
 */
export async function insertUser(
  db: DbOrTx,
  input: { email: string; name: string | null; passwordHash: string; isPlatformAdmin?: boolean; emailVerified?: Date },
): Promise<NewUser | null> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(users)
      .values({
        email: input.email,
        name: input.name,
        passwordHash: input.passwordHash,
        isPlatformAdmin: input.isPlatformAdmin ?? false,
        emailVerified: input.emailVerified ?? null,
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
    const user = inserted[0];
    if (!user) return null;
    const [team] = await tx
      .insert(teams)
      .values({ name: `${input.name || input.email.split('@')[0]}'s team`, ownerId: user.id, isPersonal: true })
      .returning({ id: teams.id });
    await tx.insert(teamMembers).values({ teamId: team!.id, userId: user.id, role: 'owner' });
    await tx.update(users).set({ currentTeamId: team!.id }).where(eq(users.id, user.id));
    return { id: user.id, email: input.email, teamId: team!.id };
  });
}

/**
 * Creates a user with a password and their personal team: the operator's path (CLI, demo, tests),
 * which says plainly when the address is taken. `emailVerified` is for accounts an operator vouches
 * for; visitors sign up through `signUp` (./flows), which verifies by mail and reveals nothing.
 */
export async function createUser(db: DbOrTx, input: NewUserInput & { emailVerified?: Date }): Promise<NewUser> {
  const { email, name } = validateNewUser(input);
  const created = await insertUser(db, {
    email,
    name,
    passwordHash: await hashPassword(input.password),
    isPlatformAdmin: input.isPlatformAdmin,
    emailVerified: input.emailVerified,
  });
  if (!created) throw new Conflict('An account with this email already exists', 'email_taken');
  return created;
}

/** The user with this address (any spelling normalizeEmail folds together), or undefined. */
export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select({
      id: users.id,
      email: users.email,
      passwordHash: users.passwordHash,
      emailVerified: users.emailVerified,
    })
    .from(users)
    .where(eq(sql`lower(${users.email})`, normalizeEmail(email)));
  return user;
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
  const user = await findUserByEmail(db, email);
  const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
  return user?.passwordHash && ok ? { id: user.id, email: user.email } : null;
}

// A valid argon2id hash of a random string, verified when the email is unknown.
const DUMMY_HASH = '$argon2id$v=19$m=19456,t=2,p=1$2Y7axP+RAX45hOZCKgBHpA$+izpRJ1o9Un3gDzH+mHf7/Hq4Nnee22H+LeSHnGlesA';
