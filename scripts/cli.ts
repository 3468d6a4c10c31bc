import { parseArgs } from 'node:util';
import { openDatabaseForScript } from '../db/open-for-script';
import { createUser } from '../lib/accounts';
import { systemClock } from '../lib/clock';
import { AppError } from '../lib/errors';
import { createApiToken, userIdByEmail } from '../lib/tokens';

/**
 * Operator command line. Works against DATABASE_URL, or the embedded database (through a
 * running `npm run dev` when there is one). Only the requested value goes to stdout.
 */
const USAGE = `Usage:
  npm run cli -- user:create --email E --password P [--name N] [--admin]
  npm run cli -- token:create --email E [--name N] [--expires-days D]`;

type Command = (values: Record<string, string | boolean | undefined>) => Promise<string>;

const commands: Record<string, Command> = {
  async 'user:create'(v) {
    if (typeof v.email !== 'string' || typeof v.password !== 'string') throw new Error('--email and --password are required');
    const handle = await openDatabaseForScript({ migrate: true });
    try {
      const user = await createUser(handle.db, { email: v.email, password: v.password, name: typeof v.name === 'string' ? v.name : undefined, isPlatformAdmin: v.admin === true });
      return JSON.stringify({ user_id: user.id, email: user.email, team_id: user.teamId, admin: v.admin === true });
    } finally {
      await handle.close();
    }
  },
  async 'token:create'(v) {
    if (typeof v.email !== 'string') throw new Error('--email is required');
    const handle = await openDatabaseForScript({ migrate: true });
    try {
      const userId = await userIdByEmail(handle.db, v.email);
      if (!userId) throw new Error(`No user with email ${v.email}`);
      const expires = typeof v['expires-days'] === 'string' ? Number(v['expires-days']) : null;
      const created = await createApiToken({ db: handle.db, clock: systemClock }, userId, { name: typeof v.name === 'string' ? v.name : 'cli', expiresInDays: expires });
      return created.token;
    } finally {
      await handle.close();
    }
  },
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
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, admin: { type: 'boolean' }, 'expires-days': { type: 'string' } },
    strict: true,
  });
  console.log(await command(values));
} catch (err) {
  console.error(err instanceof AppError || err instanceof Error ? `Error: ${err.message}` : 'Error');
  process.exit(1);
}
