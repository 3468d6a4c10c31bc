import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser, verifyCredentials } from '@/lib/accounts';
import { SOCKET_ADDRESS_HEADER } from '@/lib/http/client-address';
import { readOutbox } from '@/lib/mail';
import { installTestContext } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/*
 * Sign-up exploits from issue 18, driven through the real server action. Next's request scope
 * (headers()) is supplied by a mock, as Next would supply it for a form post through the entry.
 */
let requestHeaders = new Headers();
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/headers')>()),
  headers: async () => requestHeaders,
}));
const hashCalls = vi.hoisted(() => ({ count: 0 }));
vi.mock('@/lib/accounts/passwords', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/accounts/passwords')>();
  return {
    ...original,
    hashPassword: (password: string) => {
      hashCalls.count++;
      return original.hashPassword(password);
    },
  };
});

let t: TestDatabase;
const outbox = fs.mkdtempSync(path.join(os.tmpdir(), 'af-signup-outbox-'));

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t, { outboxDir: outbox, env: { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' } });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(outbox, { recursive: true, force: true });
});
beforeEach(() => {
  hashCalls.count = 0;
});

function form(fields: Record<string, string>): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
}

async function signUpFrom(address: string, fields: Record<string, string>, xff?: string) {
  requestHeaders = new Headers({ [SOCKET_ADDRESS_HEADER]: address, ...(xff ? { 'x-forwarded-for': xff } : {}) });
  const { signUpAction } = await import('@/lib/auth/actions');
  return signUpAction({ error: null }, form({ callbackUrl: '/account', ...fields }));
}

const mailsTo = async (to: string) => (await readOutbox(outbox)).filter((m) => m.to === to);

describe('sign-up', () => {
  it('answers a registered address exactly as a new one, and mails the owner instead of saying so', async () => {
    await createUser(t.db, { email: 'taken@example.com', password: 'owner-password-2026' });
    hashCalls.count = 0;
    const fresh = await signUpFrom('192.0.2.20', { email: 'fresh@example.com', password: 'new-user-pass-2026' });
    const taken = await signUpFrom('192.0.2.21', { email: 'taken@example.com', password: 'attacker-pass-2026' });
    expect(fresh.error).toBeNull();
    expect(taken.error).toBeNull();
    expect(taken.notice?.replace('taken@', 'X@')).toBe(fresh.notice?.replace('fresh@', 'X@'));

    const [welcome] = await mailsTo('fresh@example.com');
    expect(welcome?.subject).toMatch(/Confirm your email/);
    expect(welcome?.text).toMatch(/\/verify-email\?token=/);
    const [warning] = await mailsTo('taken@example.com');
    expect(warning?.subject).toBe('Someone tried to sign up with your address');
    expect(warning?.text).toMatch(/\/reset-password\?token=/);
    // The existing account is untouched.
    expect(await verifyCredentials(t.db, 'taken@example.com', 'owner-password-2026')).not.toBeNull();
    expect(await verifyCredentials(t.db, 'taken@example.com', 'attacker-pass-2026')).toBeNull();
    // Both paths hashed once, so the time taken does not tell them apart either.
    expect(hashCalls.count).toBe(2);
  });

  it('stores the normalized address: a padded, re-cased, decomposed spelling is the same account', async () => {
    await signUpFrom('192.0.2.22', { email: '  Ame\u0301lie@Example.COM\t', password: 'amelie-pass-2026' });
    const [row] = await t.sql<{ email: string }[]>`SELECT email FROM users WHERE email LIKE 'am%lie@example.com'`;
    expect(row!.email).toBe('amélie@example.com'.normalize('NFC'));
    await signUpFrom('192.0.2.22', { email: 'AMÉLIE@example.com', password: 'second-try-2026' });
    const rows = await t.sql`SELECT id FROM users WHERE email = ${'amélie@example.com'.normalize('NFC')}`;
    expect(rows).toHaveLength(1);
    expect(await mailsTo('amélie@example.com'.normalize('NFC'))).toHaveLength(2);
  });

  it('is rate-limited per client address, whatever X-Forwarded-For the client sends', async () => {
    const results = [];
    for (let i = 0; i < 11; i++) {
      results.push(
        await signUpFrom(
          '198.51.100.30',
          { email: `burst-${i}@example.com`, password: 'burst-password-2026' },
          `203.0.113.${i}`,
        ),
      );
    }
    expect(results.slice(0, 10).every((r) => r.error === null)).toBe(true);
    expect(results[10]!.error).toMatch(/Too many attempts/);
    expect(await mailsTo('burst-10@example.com')).toHaveLength(0);
    // Another address is not affected.
    expect((await signUpFrom('198.51.100.31', { email: 'other@example.com', password: 'other-pass-2026' })).error).toBe(
      null,
    );
  });

  it('computes no password hash for invalid input or once the limit refuses', async () => {
    expect(
      (await signUpFrom('192.0.2.23', { email: 'not-an-address', password: 'valid-password-2026' })).error,
    ).toMatch(/valid email/);
    expect((await signUpFrom('192.0.2.23', { email: 'weak@example.com', password: 'short' })).error).toMatch(
      /at least 10/,
    );
    expect(
      (await signUpFrom('198.51.100.30', { email: 'late@example.com', password: 'late-password-2026' })).error,
    ).toMatch(/Too many attempts/);
    expect(hashCalls.count).toBe(0);
  });
});
