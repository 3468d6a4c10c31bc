import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '@/lib/accounts';
import { ManualClock } from '@/lib/clock';
import { authenticateToken, createApiToken, hashToken, listApiTokens, revokeApiToken } from '@/lib/tokens';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
const clock = new ManualClock('2026-11-01T00:00:00Z');
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('API tokens', () => {
  it('are shown once with the afk_ prefix and stored only as a hash', async () => {
    const user = await createUser(t.db, { email: 'tok@example.com', password: 'token-owner-2026' });
    const created = await createApiToken({ db: t.db, clock }, user.id, { name: 'CI', kind: 'user' });
    expect(created.token).toMatch(/^afk_[A-Za-z0-9_-]{40,}$/);
    const rows = await t.sql<{ token_hash: string }[]>`SELECT token_hash FROM api_tokens WHERE user_id = ${user.id}`;
    expect(rows.map((r) => r.token_hash)).toEqual([hashToken(created.token)]);
    const listed = await listApiTokens(t.db, user.id);
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(listed[0]!.displayPrefix).toBe(created.token.slice(0, 10));
  });

  it('authenticate until revoked, record last use, and stop at expiry', async () => {
    const user = await createUser(t.db, { email: 'tok2@example.com', password: 'token-owner-2026' });
    const token = await createApiToken({ db: t.db, clock }, user.id, { name: 'short', expiresInDays: 1, kind: 'user' });
    expect(await authenticateToken({ db: t.db, clock }, token.token)).toEqual({
      userId: user.id,
      tokenId: token.id,
      kind: 'user',
    });
    expect((await listApiTokens(t.db, user.id))[0]!.lastUsedAt?.toISOString()).toBe(clock.now().toISOString());
    clock.advance(86_400_000 - 1);
    expect(await authenticateToken({ db: t.db, clock }, token.token)).not.toBeNull();
    clock.advance(1);
    expect(await authenticateToken({ db: t.db, clock }, token.token)).toBeNull();

    const other = await createApiToken({ db: t.db, clock }, user.id, { name: 'revoke me', kind: 'user' });
    await revokeApiToken({ db: t.db, clock }, user.id, other.id);
    expect(await authenticateToken({ db: t.db, clock }, other.token)).toBeNull();
    expect(await authenticateToken({ db: t.db, clock }, 'afk_unknown')).toBeNull();
    expect(await authenticateToken({ db: t.db, clock }, 'not-even-prefixed')).toBeNull();
  });

  it('cannot be revoked by another user', async () => {
    const a = await createUser(t.db, { email: 'tok3@example.com', password: 'token-owner-2026' });
    const b = await createUser(t.db, { email: 'tok4@example.com', password: 'token-owner-2026' });
    const token = await createApiToken({ db: t.db, clock }, a.id, { name: 'mine', kind: 'user' });
    await expect(revokeApiToken({ db: t.db, clock }, b.id, token.id)).rejects.toThrow(/not found/i);
    expect(await authenticateToken({ db: t.db, clock }, token.token)).not.toBeNull();
  });

  it('records last use at most once a minute per token', async () => {
    const user = await createUser(t.db, { email: 'tok-minute@example.com', password: 'token-owner-2026' });
    const minuteClock = new ManualClock('2026-11-02T00:00:00Z');
    const token = await createApiToken({ db: t.db, clock: minuteClock }, user.id, { name: 'busy', kind: 'user' });
    const lastUsed = async () => (await listApiTokens(t.db, user.id))[0]!.lastUsedAt?.toISOString();
    const first = minuteClock.now().toISOString();
    await authenticateToken({ db: t.db, clock: minuteClock }, token.token);
    expect(await lastUsed()).toBe(first);
    minuteClock.advance(59_999);
    expect(await authenticateToken({ db: t.db, clock: minuteClock }, token.token)).not.toBeNull();
    expect(await lastUsed()).toBe(first);
    minuteClock.advance(2);
    await authenticateToken({ db: t.db, clock: minuteClock }, token.token);
    expect(await lastUsed()).toBe(minuteClock.now().toISOString());
  });
});
