import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as deductRoute } from '@/app/api/packages/user/credits/deduct/route';
import { POST as reserveRoute } from '@/app/api/packages/user/credits/reservations/route';
import { DELETE as removeAddonRoute } from '@/app/api/packages/user/addons/[package_id]/route';
import { POST as addAddonRoute } from '@/app/api/packages/user/addons/route';
import { POST as checkoutRoute } from '@/app/api/packages/checkout/route';
import { POST as subscriptionRoute } from '@/app/api/packages/user/subscription/route';
import { POST as webhookRoute } from '@/app/api/packages/webhook/route';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import type { PageUser } from '@/lib/auth/session';
import type { AppContext } from '@/lib/server/context';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { apiRequest, createUserWithToken, installTestContext, routeParams, type TestUser } from '../helpers/app';

// Server actions run as this user: the request-bound pieces (Auth.js session, Next's cache and
// redirects) are replaced; the actions and everything below them are the real code.
const acting = vi.hoisted(() => ({ user: null as PageUser | null }));
vi.mock('@/lib/auth/session', () => ({
  requireUser: async () => {
    if (!acting.user) throw new Error('no acting user');
    return acting.user;
  },
  safeCallbackPath: (value: unknown) => (typeof value === 'string' && value.startsWith('/') ? value : '/account'),
}));
vi.mock('@/lib/auth/config', () => ({ signIn: async () => undefined }));
vi.mock('next-auth', () => ({ AuthError: class AuthError extends Error {} }));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
// Sign-up reads the visitor's address from the request (the trust boundary); one fixed client here.
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/headers')>()),
  headers: async () => new Headers({ 'x-forwarded-for': '203.0.113.9' }),
}));

let t: TestDatabase;
let owner: TestUser;

let app: AppContext;
beforeAll(async () => {
  t = await createTestDatabase();
  app = installTestContext(t);
  await upsertCatalogRows(t.db, PACKAGES);
  owner = await createUserWithToken(t.db);
});
afterAll(async () => {
  await t?.close();
});

async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  return { status: res.status, ...body.error };
}

const HOSTILE = {
  'a NUL byte': 'a\u0000b',
  'an ESC control character': 'story\u001b[31m',
  'a C1 control character': 'story\u0085',
  'a lone high surrogate': '\ud800',
  'a lone low surrogate': 'x\udfffx',
  'another lone surrogate': '\udbff',
};

describe('hostile bytes answer 400 naming the field, never a 500 or a silent collision', () => {
  it.each(Object.entries(HOSTILE))('reference_id with %s on deduct and reserve', async (_kind, referenceId) => {
    const body = { credit_type: 'ai_stories', amount: 1, reference_id: referenceId };
    for (const route of [deductRoute, reserveRoute]) {
      const res = await route(apiRequest('/api/packages/user/credits/deduct', { token: owner.token, body }));
      const error = await errorOf(res);
      expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
      expect(error.message).toMatch(/^reference_id: /);
    }
  });

  it('two different lone surrogates no longer become the same stored reference id', async () => {
    const first = await deductRoute(
      apiRequest('/x', { token: owner.token, body: { amount: 1, reference_id: 'job-\ud800' } }),
    );
    const second = await deductRoute(
      apiRequest('/x', { token: owner.token, body: { amount: 1, reference_id: 'job-\udbff' } }),
    );
    expect([first.status, second.status]).toEqual([400, 400]);
    const ledger = await t.sql`SELECT 1 FROM credit_ledger WHERE reference_id LIKE 'job-%'`;
    expect(ledger).toHaveLength(0);
  });

  it('a well-formed emoji (a surrogate pair) is still a valid reference id', async () => {
    const res = await deductRoute(
      apiRequest('/x', { token: owner.token, body: { amount: 1, reference_id: 'story-🚀' } }),
    );
    expect(res.status).toBe(200);
  });

  it('DELETE /api/packages/user/addons/addon%00 answers 400 naming package_id', async () => {
    const res = await removeAddonRoute(
      apiRequest('/api/packages/user/addons/addon%00', { method: 'DELETE', token: owner.token }),
      routeParams({ package_id: decodeURIComponent('addon%00') }),
    );
    const error = await errorOf(res);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/^package_id: must not contain control characters/);
  });

  it.each([
    ['POST /api/packages/user/addons', addAddonRoute, { package_id: 'addon\u0000' }, 'package_id'],
    [
      'POST /api/packages/checkout',
      checkoutRoute,
      { package_id: 'credits_50\u0000', success_url: 'http://app.test/ok', cancel_url: 'http://app.test/no' },
      'package_id',
    ],
    [
      'POST /api/packages/user/subscription',
      subscriptionRoute,
      { action: 'change_plan', package_id: 'business_monthly\ud800' },
      'package_id',
    ],
  ] as const)('%s refuses a hostile id with 400', async (_name, route, body, field) => {
    // Checkout is rate-limited per client address, which the (one) trusted proxy writes.
    const headers = { 'x-forwarded-for': '203.0.113.7' };
    const error = await errorOf(await route(apiRequest('/x', { token: owner.token, body, headers })));
    expect(error.status).toBe(400);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
  });
});

describe('server actions refuse malformed ids and hostile text with a clear error, not a database exception', () => {
  async function asOwner() {
    acting.user = {
      id: owner.userId,
      email: owner.email,
      name: null,
      isPlatformAdmin: false,
      emailVerified: new Date(0),
      team: { id: owner.teamId, name: 'Owner team', role: 'owner', billingCurrency: null },
    };
  }
  const form = (fields: Record<string, string>) => {
    const f = new FormData();
    for (const [k, v] of Object.entries(fields)) f.set(k, v);
    return f;
  };

  it('switching to a team id that is not a uuid', async () => {
    await asOwner();
    const { switchTeamAction } = await import('@/lib/teams/actions');
    await expect(switchTeamAction(form({ team_id: 'not-a-uuid' }))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationFailed', message: 'team_id: must be a team id' }),
    );
  });

  it('revoking a token id that is not a uuid', async () => {
    await asOwner();
    const { revokeTokenAction } = await import('@/lib/tokens/actions');
    await expect(revokeTokenAction(form({ token_id: "1' OR '1'='1" }))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationFailed', message: 'token_id: must be a token id' }),
    );
  });

  it('removing a member whose id carries a NUL byte', async () => {
    await asOwner();
    const { removeMemberAction } = await import('@/lib/teams/actions');
    await expect(removeMemberAction(form({ user_id: 'abc\u0000' }))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationFailed', message: 'user_id: must not contain control characters' }),
    );
  });

  it('creating a team or a token whose name carries a NUL byte', async () => {
    await asOwner();
    const { createTeam } = await import('@/lib/teams');
    await expect(createTeam(t.db, owner.userId, 'Team\u0000')).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationFailed', message: 'name: must not contain control characters' }),
    );
    // The action sends the owner back to the account page, which says what was wrong.
    const { createTeamAction } = await import('@/lib/teams/actions');
    await expect(createTeamAction(form({ name: 'Team\u0000' }))).rejects.toThrow(
      expect.objectContaining({ digest: expect.stringContaining('/account?team_error=invalid_request') }),
    );
    const { createTokenAction } = await import('@/lib/tokens/actions');
    // (A form field cannot carry a lone surrogate: FormData turns it into U+FFFD.)
    const state = await createTokenAction({ token: null, error: null }, form({ name: 'ci\u0000' }));
    expect(state.error).toMatch(/^name: must not contain control characters/);
  });

  it('inviting an email with a NUL byte', async () => {
    await asOwner();
    const { inviteAction } = await import('@/lib/teams/actions');
    const state = await inviteAction({ sentTo: null, error: null }, form({ email: 'mate\u0000@example.com' }));
    expect(state).toEqual({ sentTo: null, error: 'must not contain control characters' });
  });

  it('signing up with a NUL byte in the name or email', async () => {
    const { signUpAction } = await import('@/lib/auth/actions');
    const withName = await signUpAction(
      { error: null },
      form({ email: 'nul-name@example.com', password: 'a-strong-pass-1', name: 'Eve\u0000' }),
    );
    expect(withName.error).toBe('Name: must not contain control characters');
    const withEmail = await signUpAction(
      { error: null },
      form({ email: 'nul\u0000@example.com', password: 'a-strong-pass-1' }),
    );
    expect(withEmail.error).toBe('Email: must not contain control characters');
    expect(await t.sql`SELECT 1 FROM users WHERE email LIKE 'nul%'`).toHaveLength(0);
  });
});

function endlessBody(onPull: (bytes: number) => void): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(16 * 1024).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      onPull(chunk.byteLength);
      controller.enqueue(chunk);
    },
  });
}

function streamingRequest(path: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>): Request {
  return new Request(new URL(path, 'http://app.test'), {
    method: 'POST',
    headers,
    body,
    duplex: 'half',
  } as RequestInit);
}

describe('oversized bodies answer 413 in the envelope, counted while streaming', () => {
  it('a JSON route refuses a body over 64 KB', async () => {
    const body = JSON.stringify({ amount: 1, reference_id: 'big', padding: 'x'.repeat(64 * 1024) });
    const error = await errorOf(await deductRoute(apiRequest('/x', { token: owner.token, body })));
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    // Just under the limit is parsed as usual (and refused for its unknown key, not its size).
    const fits = JSON.stringify({ amount: 1, reference_id: 'ok', padding: 'x'.repeat(60 * 1024) });
    expect((await deductRoute(apiRequest('/x', { token: owner.token, body: fits }))).status).toBe(400);
  });

  it('a JSON route stops reading an endless body soon after 64 KB instead of buffering it', async () => {
    let pulled = 0;
    const req = streamingRequest(
      '/api/packages/user/credits/deduct',
      endlessBody((n) => (pulled += n)),
      {
        authorization: `Bearer ${owner.token}`,
        'content-type': 'application/json',
      },
    );
    const error = await errorOf(await deductRoute(req));
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(pulled).toBeLessThan(256 * 1024);
  });

  it('a declared Content-Length over the limit is refused before reading', async () => {
    let pulled = 0;
    const req = streamingRequest(
      '/api/packages/user/credits/deduct',
      endlessBody((n) => (pulled += n)),
      {
        authorization: `Bearer ${owner.token}`,
        'content-type': 'application/json',
        'content-length': String(10 * 1024 * 1024),
      },
    );
    expect((await errorOf(await deductRoute(req))).status).toBe(413);
    expect(pulled).toBeLessThanOrEqual(64 * 1024);
  });

  it('a client hanging up mid-body is answered as such, not logged as a dependency outage', async () => {
    const warn = vi.spyOn(app.logger, 'warn');
    const error = vi.spyOn(app.logger, 'error');
    let sent = false;
    // Node's request stream fails like this when the client resets the connection mid-body.
    const hungUp = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true;
          controller.enqueue(new TextEncoder().encode('{"amount": 1, "refer'));
        } else controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      },
    });
    const req = streamingRequest('/api/packages/user/credits/deduct', hungUp, {
      authorization: `Bearer ${owner.token}`,
      'content-type': 'application/json',
    });
    expect(await errorOf(await deductRoute(req))).toMatchObject({ status: 499, code: 'client_closed_request' });
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    warn.mockRestore();
    error.mockRestore();
  });

  it('the webhook refuses a body over 1 MB, streaming, and still reads one under it', async () => {
    let pulled = 0;
    const req = streamingRequest(
      '/api/packages/webhook',
      endlessBody((n) => (pulled += n)),
      {
        'stripe-signature': 't=1,v1=00',
      },
    );
    const error = await errorOf(await webhookRoute(req));
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
    expect(pulled).toBeLessThan(1024 * 1024 + 256 * 1024);

    const under = new Request('http://app.test/api/packages/webhook', {
      method: 'POST',
      headers: { 'stripe-signature': 't=1,v1=00' },
      body: JSON.stringify({ id: 'evt_1', padding: 'x'.repeat(900 * 1024) }),
    });
    expect((await webhookRoute(under)).status).toBe(400);
  });
});
