import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '@/lib/clock';
import { reserve } from '@/lib/credits';
import { authenticateToken } from '@/lib/tokens';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const run = promisify(execFile);
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

function cli(args: string[]) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], {
    env: { ...process.env, DATABASE_URL: t.url },
    timeout: 60_000,
  });
}

describe('operator CLI', () => {
  it('creates an admin user with a team, then prints only a working API token on stdout', async () => {
    const created = await cli([
      'user:create',
      '--email',
      'ops@example.com',
      '--password',
      'operator-pass-1',
      '--admin',
    ]);
    const user = JSON.parse(created.stdout) as { user_id: string; team_id: string; admin: boolean };
    expect(user.admin).toBe(true);
    const [row] = await t.sql<
      { is_platform_admin: boolean }[]
    >`SELECT is_platform_admin FROM users WHERE id = ${user.user_id}`;
    expect(row!.is_platform_admin).toBe(true);

    const { stdout } = await cli(['token:create', '--email', 'ops@example.com', '--name', 'ci']);
    const token = stdout.trim();
    expect(token).toMatch(/^afk_\S+$/);
    expect(await authenticateToken({ db: t.db, clock: systemClock }, token)).toMatchObject({ userId: user.user_id });
  }, 60_000);

  it('grants goodwill credits once per key, shows them, and releases timed-out holds', async () => {
    await cli(['user:create', '--email', 'customer@example.com', '--password', 'customer-pass-1']);
    const grant = JSON.parse(
      (
        await cli([
          'credits:grant',
          '--email',
          'customer@example.com',
          '--credits',
          '40',
          '--reason',
          'outage 2026-11-20',
          '--expires-days',
          '30',
          '--key',
          'ticket-123',
        ])
      ).stdout,
    ) as { created: boolean; credits: number; expires_at: string };
    expect(grant).toMatchObject({ created: true, credits: 40 });
    expect(Date.parse(grant.expires_at) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    const again = JSON.parse(
      (
        await cli([
          'credits:grant',
          '--email',
          'customer@example.com',
          '--credits',
          '40',
          '--reason',
          'outage 2026-11-20',
          '--key',
          'ticket-123',
        ])
      ).stdout,
    ) as { created: boolean };
    expect(again.created).toBe(false);
    const shown = JSON.parse((await cli(['credits:show', '--email', 'customer@example.com'])).stdout) as {
      ai_stories: { remaining_credits: number; grants: { source: string; amount: number }[] };
    };
    expect(shown.ai_stories.remaining_credits).toBe(25 + 40); // Starter's month + the goodwill grant
    expect(shown.ai_stories.grants.filter((g) => g.source === 'adjustment')).toEqual([
      expect.objectContaining({ amount: 40 }),
    ]);
    // A story that started 20 minutes ago and never finished still holds 5 credits.
    const [customer] = await t.sql<
      { team_id: string }[]
    >`SELECT current_team_id AS team_id FROM users WHERE email = 'customer@example.com'`;
    const held = await reserve(
      { db: t.db, clock: new ManualClock(new Date(Date.now() - 20 * 60_000)) },
      customer!.team_id,
      5,
      'stuck-story',
    );
    expect(JSON.parse((await cli(['credits:release-expired'])).stdout)).toEqual({ teams: 1 });
    const [hold] = await t.sql<
      { status: string }[]
    >`SELECT status FROM credit_reservations WHERE id = ${held.reservation_id}`;
    expect(hold!.status).toBe('released');
    expect(JSON.parse((await cli(['credits:release-expired'])).stdout)).toEqual({ teams: 0 });
    await expect(
      cli(['credits:grant', '--email', 'customer@example.com', '--credits', '0', '--reason', 'x']),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('--credits') });
    await expect(cli(['credits:grant', '--email', 'customer@example.com', '--credits', '5'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--reason'),
    });
  }, 90_000);

  it('credits:grant keys are per team: the same key for another customer grants normally', async () => {
    const grant = async (email: string) =>
      JSON.parse(
        (await cli(['credits:grant', '--email', email, '--credits', '15', '--reason', 'outage', '--key', 'outage-42']))
          .stdout,
      ) as { created: boolean; team_id: string; credits: number };
    await cli(['user:create', '--email', 'first@example.com', '--password', 'customer-pass-1']);
    await cli(['user:create', '--email', 'second@example.com', '--password', 'customer-pass-1']);
    const first = await grant('first@example.com');
    const second = await grant('second@example.com');
    expect(first).toMatchObject({ created: true, credits: 15 });
    expect(second).toMatchObject({ created: true, credits: 15 });
    expect(second.team_id).not.toBe(first.team_id);
    expect(await grant('second@example.com')).toMatchObject({ created: false, team_id: second.team_id });
    const shown = JSON.parse((await cli(['credits:show', '--email', 'second@example.com'])).stdout) as {
      ai_stories: { remaining_credits: number };
    };
    expect(shown.ai_stories.remaining_credits).toBe(25 + 15);
  }, 90_000);

  it('events:parked lists the Stripe events parked for an operator, and only those', async () => {
    await t.sql`INSERT INTO deferred_stripe_events (event_id, type, object_id, reason, attempts, first_attempt_at, last_attempt_at, parked_at)
      VALUES ('evt_parked_1', 'charge.refunded', 'ch_lost', 'No purchase is recorded yet', 10, now() - interval '3 days', now(), now()),
             ('evt_retrying_1', 'charge.refunded', 'ch_soon', 'No purchase is recorded yet', 2, now(), now(), NULL)`;
    const parked = JSON.parse((await cli(['events:parked'])).stdout) as { event_id: string; attempts: number }[];
    expect(parked).toEqual([expect.objectContaining({ event_id: 'evt_parked_1', object_id: 'ch_lost', attempts: 10 })]);
  }, 60_000);

  it('fails with a message and a non-zero exit for bad input', async () => {
    await expect(cli(['token:create', '--email', 'ghost@example.com'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('No user with email'),
    });
    await expect(cli(['user:create', '--email', 'weak@example.com', '--password', 'short'])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('password'),
    });
    await expect(cli(['nonsense'])).rejects.toMatchObject({ code: 2 });
  }, 60_000);
});
