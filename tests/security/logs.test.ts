import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { users } from '@/db/schema';
import type { PageUser } from '@/lib/auth/session';
import { toErrorResponse } from '@/lib/http/error-response';
import { createLogger } from '@/lib/logger';
import { readOutbox } from '@/lib/mail';
import type { AppContext } from '@/lib/server/context';
import { hashPassword } from '@/lib/accounts/passwords';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken, installTestContext, type TestUser } from '../helpers/app';

const acting = vi.hoisted(() => ({ user: null as PageUser | null }));
vi.mock('@/lib/auth/session', () => ({
  requireUser: async () => {
    if (!acting.user) throw new Error('no acting user');
    return acting.user;
  },
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

let t: TestDatabase;
let app: AppContext;
let owner: TestUser;
let lines: string[] = [];
const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'af-logs-outbox-'));

beforeAll(async () => {
  t = await createTestDatabase();
  app = installTestContext(t, { outboxDir: outbox });
  app.logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  owner = await createUserWithToken(t.db);
  acting.user = {
    id: owner.userId,
    email: owner.email,
    name: null,
    isPlatformAdmin: false,
    emailVerified: new Date(0),
    team: { id: owner.teamId, name: 'Owner team', role: 'owner', billingCurrency: null },
  };
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(outbox, { recursive: true, force: true });
});

describe('secrets and personal data stay out of the logs', () => {
  it('an invitation is logged by id and hash prefix, never with its accept link or token', async () => {
    lines = [];
    const { inviteAction } = await import('@/lib/teams/actions');
    const form = new FormData();
    form.set('email', 'teammate@example.com');
    const state = await inviteAction({ sentTo: null, error: null }, form);
    expect(state).toEqual({ sentTo: 'teammate@example.com', error: null });
    // The token reaches only the invitee's mailbox.
    const mail = (await readOutbox(outbox)).find((m) => m.to === 'teammate@example.com');
    const token = /\/account\/invitations\/([^\s]+)/.exec(mail!.text)![1]!;
    expect(token.length).toBeGreaterThan(20);

    const log = lines.join('\n');
    expect(log).toContain('Team invitation created');
    expect(log).not.toContain(token);
    expect(log).not.toContain('/account/invitations/');
    const entry = JSON.parse(lines.find((l) => l.includes('Team invitation created'))!) as Record<string, unknown>;
    expect(entry).toMatchObject({ teamId: owner.teamId, invitationId: expect.any(String) });
    expect(entry.tokenHashPrefix).toMatch(/^[0-9a-f]{8}$/);
  });

  it('credentials in headers and fields are redacted wherever they sit', () => {
    lines = [];
    app.logger.info(
      {
        authorization: 'Bearer afk_top_level_secret',
        req: { headers: { authorization: 'Bearer afk_header_secret', cookie: 'authjs.session-token=cookie_secret' } },
        user: { password: 'hunter2-password', passwordHash: '$argon2id$hash_secret' },
        token: 'afk_field_secret',
        invitation: { tokenHash: 'token_hash_secret', acceptPath: '/account/invitations/link_secret' },
        stripe: { secret: 'whsec_webhook_secret', webhookSecret: 'whsec_other_secret' },
        hash: 'bare_hash_secret',
        teamId: 'team-visible',
      },
      'Something happened',
    );
    const log = lines.join('\n');
    for (const secret of [
      'afk_top_level_secret',
      'afk_header_secret',
      'cookie_secret',
      'hunter2-password',
      'hash_secret',
      'afk_field_secret',
      'token_hash_secret',
      'link_secret',
      'whsec_webhook_secret',
      'whsec_other_secret',
      'bare_hash_secret',
    ]) {
      expect(log).not.toContain(secret);
    }
    expect(log).toContain('[redacted]');
    expect(log).toContain('team-visible');
  });

  it('a failing statement is logged without its parameters (the sign-up NUL case leaked the email and argon2 hash)', async () => {
    const email = 'victim-nul@example.com';
    const passwordHash = await hashPassword('victims-password-1');
    const failure = await t.db
      .insert(users)
      .values({ email, passwordHash, name: 'Eve\u0000' })
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).toBeInstanceOf(Error);
    // Today's failure really does carry them, which is what reached the log.
    expect(String((failure as Error).message)).toContain(passwordHash);

    lines = [];
    const res = toErrorResponse(failure, app.logger);
    expect(res.status).toBe(500);
    const body = await res.text();
    const log = lines.join('\n');
    for (const text of [body, log]) {
      expect(text).not.toContain(email);
      expect(text).not.toContain(passwordHash);
      expect(text).not.toContain('victims-password-1');
    }
    // What one debugs with is kept: the statement and PostgreSQL's own reason.
    expect(log).toContain('insert into \\"users\\"');
    expect(log).toMatch(/invalid byte sequence|0x00/);
  });

  it('a unique violation is logged without the duplicated key value', async () => {
    await t.db.insert(users).values({ email: 'dup-person@example.com' });
    const failure = await t.db
      .insert(users)
      .values({ email: 'DUP-PERSON@example.com' })
      .then(
        () => null,
        (err: unknown) => err,
      );
    lines = [];
    toErrorResponse(failure, app.logger);
    const log = lines.join('\n').toLowerCase();
    expect(log).toContain('users_email_lower_key');
    expect(log).not.toContain('dup-person@example.com');
  });
});
