import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { openDatabaseForScript } from '../db/open-for-script';
import type { Database } from '../db/client';
import { createUser } from '../lib/accounts';
import { systemClock } from '../lib/clock';
import { getCredits, grantAdjustment, releaseExpiredReservations } from '../lib/credits';
import { AppError } from '../lib/errors';
import { resolveCurrentTeam } from '../lib/teams/membership';
import { listParkedEvents } from '../lib/webhooks/deferral';
import { createApiToken, userIdByEmail } from '../lib/tokens';

/**
 * Operator command line. Works against DATABASE_URL, or the embedded database (through a
 * running `npm run dev` when there is one). Only the requested value goes to stdout.
 */
const USAGE = `Usage:
  npm run cli -- user:create --email E --password P [--name N] [--admin]
  npm run cli -- token:create --email E [--name N] [--expires-days D]
  npm run cli -- credits:show --email E
  npm run cli -- credits:grant --email E --credits N --reason R [--expires-days D] [--key K]
  npm run cli -- credits:release-expired
  npm run cli -- events:parked`;

type Command = (values: Record<string, string | boolean | undefined>) => Promise<string>;

async function userIdFor(db: Database, email: unknown): Promise<string> {
  if (typeof email !== 'string') throw new Error('--email is required');
  const userId = await userIdByEmail(db, email);
  if (!userId) throw new Error(`No user with email ${email}`);
  return userId;
}

/** The current team of the user with this email: the team the credits commands act on. */
async function teamOf(db: Database, email: unknown): Promise<string> {
  const team = await resolveCurrentTeam(db, await userIdFor(db, email));
  if (!team) throw new Error(`${String(email)} is not in a team`);
  return team.id;
}

function positiveInteger(value: unknown, flag: string): number {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} must be a whole number of at least 1`);
  return n;
}

async function withDatabase<T>(work: (db: Database) => Promise<T>): Promise<T> {
  const handle = await openDatabaseForScript({ migrate: true });
  try {
    return await work(handle.db);
  } finally {
    await handle.close();
  }
}

const commands: Record<string, Command> = {
  async 'user:create'(v) {
    if (typeof v.email !== 'string' || typeof v.password !== 'string')
      throw new Error('--email and --password are required');
    const input = {
      email: v.email,
      password: v.password,
      name: typeof v.name === 'string' ? v.name : undefined,
      isPlatformAdmin: v.admin === true,
      // The operator vouches for the address.
      emailVerified: new Date(),
    };
    return withDatabase(async (db) => {
      const user = await createUser(db, input);
      return JSON.stringify({
        user_id: user.id,
        email: user.email,
        team_id: user.teamId,
        admin: input.isPlatformAdmin,
      });
    });
  },
  'token:create': (v) =>
    withDatabase(async (db) => {
      const userId = await userIdFor(db, v.email);
      const expires = typeof v['expires-days'] === 'string' ? Number(v['expires-days']) : null;
      const created = await createApiToken({ db, clock: systemClock }, userId, {
        name: typeof v.name === 'string' ? v.name : 'cli',
        expiresInDays: expires,
        // Issued by the operator for platform use: not bound to the team's plan.
        kind: 'service',
      });
      return created.token;
    }),
  'credits:show': (v) =>
    withDatabase(async (db) =>
      JSON.stringify(await getCredits({ db, clock: systemClock }, await teamOf(db, v.email)), null, 2),
    ),
  'credits:grant': (v) =>
    withDatabase(async (db) => {
      const teamId = await teamOf(db, v.email);
      const credits = positiveInteger(v.credits, '--credits');
      if (typeof v.reason !== 'string' || !v.reason.trim()) throw new Error('--reason is required');
      const validityDays =
        v['expires-days'] === undefined ? null : positiveInteger(v['expires-days'], '--expires-days');
      const key = typeof v.key === 'string' ? v.key : randomUUID();
      const { grant, created } = await db.transaction((tx) =>
        grantAdjustment(tx, systemClock, undefined, {
          teamId,
          credits,
          validityDays,
          reason: v.reason as string,
          businessKey: key,
        }),
      );
      return JSON.stringify({
        grant_id: grant.id,
        team_id: teamId,
        credits: grant.amount,
        expires_at: grant.expiresAt,
        created,
      });
    }),
  'credits:release-expired': () =>
    withDatabase(async (db) => JSON.stringify({ teams: await releaseExpiredReservations({ db, clock: systemClock }) })),
  // Refunds and disputes for payments that never got a purchase: each needs a person to look at it in Stripe.
  'events:parked': () => withDatabase(async (db) => JSON.stringify(await listParkedEvents(db), null, 2)),
};

const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(USAGE);
  process.exit(2);
}
try {
  const { values } = parseArgs({
    args: rest,
    options: {
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      admin: { type: 'boolean' },
      'expires-days': { type: 'string' },
      credits: { type: 'string' },
      reason: { type: 'string' },
      key: { type: 'string' },
    },
    strict: true,
  });
  console.log(await command(values));
} catch (err) {
  console.error(err instanceof AppError || err instanceof Error ? `Error: ${err.message}` : 'Error');
  process.exit(1);
}
