import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createUser, verifyCredentials } from '@/lib/accounts';
import { ManualClock } from '@/lib/clock';
import { SOCKET_ADDRESS_HEADER } from '@/lib/http/client-address';
import { createLogger } from '@/lib/logger';
import { readOutbox } from '@/lib/mail';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { installTestContext } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { attemptSignInForCookie } from './helpers';

/*
 * "Accounts people expect" from issue 18, through the real server actions and pages. Next's request
 * scope is mocked: headers() returns what the request would carry (the entry's socket address, the
 * session cookie), connection() is a no-op.
 */
let requestHeaders = new Headers();
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/headers')>()),
  headers: async () => requestHeaders,
}));
vi.mock('next/server', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/server')>()),
  connection: async () => {},
}));
// Cache invalidation needs Next's render store; there is no cache here to invalidate.
vi.mock('next/cache', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/cache')>()),
  revalidatePath: () => {},
}));

let t: TestDatabase;
const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'af-recovery-outbox-'));
const clock = new ManualClock('2026-11-20T09:00:00Z');
const logLines: string[] = [];
const ENV = { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' };

function install(env: Record<string, string> = {}) {
  const app = installTestContext(t, { outboxDir: outbox, clock, env: { ...ENV, ...env } });
  app.logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString());
        done();
      },
    }),
  });
  return app;
}

beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
  install();
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(outbox, { recursive: true, force: true });
});

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

function asVisitor(extra: Record<string, string> = {}) {
  requestHeaders = new Headers({
    host: 'app.test',
    'x-forwarded-proto': 'http',
    [SOCKET_ADDRESS_HEADER]: '192.0.2.80',
    ...extra,
  });
}

async function lastLink(to: string, pathPrefix: string): Promise<string> {
  const mail = (await readOutbox(outbox)).find((m) => m.to === to && m.text.includes(pathPrefix));
  const match = mail && new RegExp(`https?://\\S+${pathPrefix.replace(/[?/]/g, '\\$&')}\\S+`).exec(mail.text);
  if (!match) throw new Error(`no ${pathPrefix} mail to ${to}`);
  return match[0];
}
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;

/** Runs a server action that redirects on success and returns where to. */
async function redirectOf(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    (value) => ({ notRedirected: value }),
    (e: unknown) => e,
  );
  const digest = (err as { digest?: string }).digest ?? '';
  if (!digest.startsWith('NEXT_REDIRECT')) throw err instanceof Error ? err : new Error(JSON.stringify(err));
  return digest.split(';')[2]!;
}

describe('password reset', () => {
  it('mails a signed single-use link; only its hash is stored and it is never logged', async () => {
    const user = await createUser(t.db, { email: 'forgetful@example.com', password: 'old-password-2026' });
    asVisitor();
    const actions = await import('@/lib/auth/actions');
    const asked = await actions.forgotPasswordAction({ error: null }, form({ email: '  Forgetful@Example.com ' }));
    expect(asked.notice).toMatch(/If .* has an account/);
    const token = tokenOf(await lastLink('forgetful@example.com', '/reset-password?token='));

    const [random] = token.split('.');
    const rows = await t.sql<
      { token_hash: string }[]
    >`SELECT token_hash FROM account_tokens WHERE user_id = ${user.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(random);
    expect(logLines.join('')).not.toContain(random);

    // A weak password is refused without using the link up.
    const weak = await actions.resetPasswordAction({ error: null }, form({ token, password: 'short' }));
    expect(weak.error).toMatch(/at least 10/);
    const to = await redirectOf(() =>
      actions.resetPasswordAction({ error: null }, form({ token, password: 'brand-new-password-2026' })),
    );
    expect(to).toBe('/signin?reset=1&email=forgetful%40example.com');
    expect(await verifyCredentials(t.db, 'forgetful@example.com', 'brand-new-password-2026')).not.toBeNull();
    expect(await verifyCredentials(t.db, 'forgetful@example.com', 'old-password-2026')).toBeNull();
    const [verified] = await t.sql<
      { email_verified: Date | null }[]
    >`SELECT email_verified FROM users WHERE id = ${user.id}`;
    expect(verified!.email_verified).not.toBeNull();

    const again = await actions.resetPasswordAction({ error: null }, form({ token, password: 'third-password-2026' }));
    expect(again.error).toMatch(/invalid, has already been used or has expired/);
    expect(logLines.join('')).not.toContain(random);
  });

  it('refuses a forged signature, a link past its hour, and a verification link used as a reset link', async () => {
    await createUser(t.db, { email: 'careful@example.com', password: 'careful-password-2026' });
    asVisitor({ [SOCKET_ADDRESS_HEADER]: '192.0.2.81' });
    const actions = await import('@/lib/auth/actions');
    await actions.forgotPasswordAction({ error: null }, form({ email: 'careful@example.com' }));
    const token = tokenOf(await lastLink('careful@example.com', '/reset-password?token='));
    const [random] = token.split('.');
    const forged = `${random}.${'A'.repeat(43)}`;
    expect(
      (await actions.resetPasswordAction({ error: null }, form({ token: forged, password: 'forged-pass-2026' }))).error,
    ).toMatch(/invalid/);
    expect((await actions.verifyEmailAction({ error: null }, form({ token }))).error).toMatch(/invalid/);
    clock.advance(61 * 60_000);
    expect(
      (await actions.resetPasswordAction({ error: null }, form({ token, password: 'late-pass-2026' }))).error,
    ).toMatch(/expired/);
    expect(await verifyCredentials(t.db, 'careful@example.com', 'careful-password-2026')).not.toBeNull();
  });

  it('answers an unknown address like a known one and mails nobody', async () => {
    asVisitor({ [SOCKET_ADDRESS_HEADER]: '192.0.2.82' });
    const actions = await import('@/lib/auth/actions');
    const before = (await readOutbox(outbox)).length;
    const unknown = await actions.forgotPasswordAction({ error: null }, form({ email: 'ghost@example.com' }));
    expect(unknown.notice).toBe(
      'If ghost@example.com has an account, a link to choose a new password is on its way. It works for one hour.',
    );
    expect((await readOutbox(outbox)).length).toBe(before);
  });
});

describe('email verification and invitations', () => {
  it('an unverified account cannot accept an invitation; after confirming its address it can', async () => {
    const owner = await createUser(t.db, {
      email: 'owner@example.com',
      password: 'owner-password-2026',
      emailVerified: new Date(),
    });
    // The invitee signs up like a visitor: unverified until the mailed link is followed.
    asVisitor({ [SOCKET_ADDRESS_HEADER]: '192.0.2.83' });
    const actions = await import('@/lib/auth/actions');
    await actions.signUpAction({ error: null }, form({ email: 'invitee@example.com', password: 'invitee-pass-2026' }));

    // The owner invites through the page's action; the link goes by mail only.
    asVisitor({ cookie: await attemptSignInForCookie('owner@example.com', 'owner-password-2026') });
    const teams = await import('@/lib/teams/actions');
    const invited = await teams.inviteAction({ sentTo: null, error: null }, form({ email: ' Invitee@Example.com' }));
    expect(invited).toEqual({ sentTo: 'invitee@example.com', error: null });
    expect(JSON.stringify(invited)).not.toContain('/account/invitations/');
    const acceptLink = await lastLink('invitee@example.com', '/account/invitations/');
    const inviteToken = new URL(acceptLink).pathname.split('/').pop()!;
    expect(logLines.join('')).not.toContain(inviteToken);

    asVisitor({ cookie: await attemptSignInForCookie('invitee@example.com', 'invitee-pass-2026') });
    const refused = await teams.acceptInvitationAction(form({ token: inviteToken })).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'email_unverified', status: 403 });
    const [stillOut] = await t.sql`SELECT 1 FROM team_members tm JOIN users u ON u.id = tm.user_id
      WHERE u.email = 'invitee@example.com' AND tm.team_id = ${owner.teamId}`;
    expect(stillOut).toBeUndefined();

    const verification = tokenOf(await lastLink('invitee@example.com', '/verify-email?token='));
    expect((await actions.verifyEmailAction({ error: null }, form({ token: verification }))).notice).toBe(
      'invitee@example.com is confirmed.',
    );
    expect((await actions.verifyEmailAction({ error: null }, form({ token: verification }))).error).toMatch(/used/);
    expect(await redirectOf(() => teams.acceptInvitationAction(form({ token: inviteToken })))).toBe('/account/team');
  });

  it('users created by the operator CLI path are verified', async () => {
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/cli.ts',
        'user:create',
        '--email',
        ' Ops@Example.com',
        '--password',
        'operator-pass-1',
      ],
      { env: { ...process.env, DATABASE_URL: t.url }, timeout: 60_000 },
    );
    const { user_id, email } = JSON.parse(stdout) as { user_id: string; email: string };
    expect(email).toBe('ops@example.com');
    const [row] = await t.sql<
      { email_verified: Date | null }[]
    >`SELECT email_verified FROM users WHERE id = ${user_id}`;
    expect(row!.email_verified).not.toBeNull();
  }, 60_000);
});

describe('/dev/outbox', () => {
  it('lists the mails in development and is a 404 in production', async () => {
    const { default: DevOutboxPage } = await import('@/app/(site)/dev/outbox/page');
    install({ NODE_ENV: 'development', MAIL_OUTBOX_DIR: outbox });
    try {
      const page = await DevOutboxPage();
      expect(JSON.stringify(page)).toContain('Development outbox');
      install({
        NODE_ENV: 'production',
        MAIL_OUTBOX_DIR: outbox,
        TRUSTED_PROXY_HOPS: '1',
        DATABASE_URL: 'postgres://db.example/app',
        AUTH_SECRET: 'a-production-secret-of-more-than-32-chars',
        STRIPE_SECRET_KEY: 'sk_test_0123456789',
        STRIPE_WEBHOOK_SECRET: 'whsec_real_endpoint_secret',
      });
      const err = await DevOutboxPage().catch((e: unknown) => e);
      expect((err as { digest?: string }).digest).toMatch(/NEXT_HTTP_ERROR_FALLBACK;404/);
    } finally {
      install();
    }
  });
});
