import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, verifyCredentials } from '@/lib/accounts';
import { AppError } from '@/lib/errors';
import { resolveCurrentTeam } from '@/lib/teams';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

describe('accounts', () => {
  it('signs up with a personal team owned by the user, storing only an argon2id hash', async () => {
    const user = await createUser(t.db, { email: '  Ada@Example.com ', password: 'analytical-engine-1843' });
    expect(user.email).toBe('ada@example.com');
    expect(await resolveCurrentTeam(t.db, user.id)).toMatchObject({ id: user.teamId, role: 'owner' });
    const [row] = await t.sql<{ password_hash: string }[]>`SELECT password_hash FROM users WHERE id = ${user.id}`;
    expect(row!.password_hash).toMatch(/^\$argon2id\$/);
    expect(row!.password_hash).not.toContain('analytical');
  });

  it('refuses a taken email (any case), a weak password and a malformed email with clear messages', async () => {
    await createUser(t.db, { email: 'taken@example.com', password: 'good-password-1' });
    const cases: [Parameters<typeof createUser>[1], number, RegExp][] = [
      [{ email: 'TAKEN@example.com', password: 'good-password-1' }, 409, /already exists/],
      [{ email: 'new@example.com', password: 'short1' }, 400, /^password: .*at least 10/],
      [{ email: 'new@example.com', password: 'onlyletterslong' }, 400, /^password: .*mix/],
      [{ email: 'not-an-email', password: 'good-password-1' }, 400, /^email:/],
    ];
    for (const [input, status, message] of cases) {
      const err = (await createUser(t.db, input).then(
        () => null,
        (e: unknown) => e,
      )) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(status);
      expect(err.message).toMatch(message);
    }
  });

  it('signs in with the right password only, without telling a wrong email from a wrong password', async () => {
    const user = await createUser(t.db, { email: 'grace@example.com', password: 'compiler-pioneer-1952' });
    expect(await verifyCredentials(t.db, 'GRACE@example.com', 'compiler-pioneer-1952')).toEqual({
      id: user.id,
      email: 'grace@example.com',
    });
    expect(await verifyCredentials(t.db, 'grace@example.com', 'wrong-password-1')).toBeNull();
    expect(await verifyCredentials(t.db, 'nobody@example.com', 'compiler-pioneer-1952')).toBeNull();
  });
});
