import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@/lib/clock';
import { authenticateToken } from '@/lib/tokens';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const run = promisify(execFile);
let t: TestDatabase;
beforeAll(async () => { t = await createTestDatabase(); });
afterAll(async () => { await t?.close(); });

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { env: { ...process.env, DATABASE_URL: t.url }, timeout: 60_000 });
}

describe('operator CLI', () => {
  it('creates an admin user with a team, then prints only a working API token on stdout', async () => {
    const created = await cli(['user:create', '--email', 'ops@example.com', '--password', 'operator-pass-1', '--admin']);
    const user = JSON.parse(created.stdout) as { user_id: string; team_id: string; admin: boolean };
    expect(user.admin).toBe(true);
    const [row] = await t.sql<{ is_platform_admin: boolean }[]>`SELECT is_platform_admin FROM users WHERE id = ${user.user_id}`;
    expect(row!.is_platform_admin).toBe(true);

    const { stdout } = await cli(['token:create', '--email', 'ops@example.com', '--name', 'ci']);
    const token = stdout.trim();
    expect(token).toMatch(/^afk_\S+$/);
    expect(await authenticateToken({ db: t.db, clock: systemClock }, token)).toMatchObject({ userId: user.user_id });
  }, 60_000);

  it('fails with a message and a non-zero exit for bad input', async () => {
    await expect(cli(['token:create', '--email', 'ghost@example.com'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('No user with email') });
    await expect(cli(['user:create', '--email', 'weak@example.com', '--password', 'short'])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('password') });
    await expect(cli(['nonsense'])).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
