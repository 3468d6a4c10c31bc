import { eq } from 'drizzle-orm';
import type { Database } from '@/db/client';
import type { Env } from '@/lib/config/env';
import { users } from '@/db/schema';
import { createUser } from './index';

export const DEMO_EMAIL = 'demo@agileforge.local';
// A development-only login printed by `npm run dev`; never created outside dev and tests.
export const DEMO_PASSWORD = 'demo-password-2026';

/**
 * The demo login (a platform admin with a published password) exists only in the embedded
 * development database: a database given by DATABASE_URL is a real one and never gets it.
 */
export async function ensureDemoUser(
  db: Database,
  env: Pick<Env, 'DATABASE_URL'>,
): Promise<{ email: string; password: string } | null> {
  if (env.DATABASE_URL) return null;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, DEMO_EMAIL));
  if (!existing)
    await createUser(db, {
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
      name: 'Demo User',
      isPlatformAdmin: true,
      emailVerified: new Date(),
    });
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
