import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgres from 'postgres';
import { normalizeEmail } from '@/lib/accounts';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/*
 * Stored emails from before normalizeEmail (OAuth sign-ups kept the provider's spelling; nothing
 * applied NFC) are rewritten by migration 0005. Rows are inserted as they could exist, then the
 * migration's SQL is run again on its own connection.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const migrationSql = () => {
  const dir = path.resolve('db/migrations');
  const file = fs.readdirSync(dir).find((f) => /_normalize_emails\.sql$/.test(f))!;
  return fs.readFileSync(path.join(dir, file), 'utf8').split('--> statement-breakpoint');
};

describe('email normalization migration', () => {
  it('normalizes stored addresses like normalizeEmail, and on a collision keeps one account and leaves the rest', async () => {
    const rows: [string, string, string][] = [
      ['m1', ' Mixed@Example.com\t', '2026-01-01'],
      ['d-old', ' DUP@example.com', '2026-01-01'],
      ['d-new', 'dup@example.com', '2026-02-01'],
      ['z1', 'ZOE\u0308@example.com', '2026-01-01'],
      ['c-old', 'Case@Example.com', '2026-01-01'],
      ['c-new', 'case@example.com\t', '2026-02-01'],
    ];
    for (const [id, email, created] of rows) {
      await t.sql`INSERT INTO users (id, email, created_at) VALUES (${id}, ${email}, ${created})`;
    }
    await t.sql`INSERT INTO teams (id, name, owner_id) VALUES ('00000000-0000-4000-8000-000000000001', 'T', 'm1')`;
    await t.sql`INSERT INTO team_invitations (team_id, email, token_hash, invited_by, expires_at)
      VALUES ('00000000-0000-4000-8000-000000000001', ' Invitee@Example.COM', 'h1', 'm1', now() + interval '1 day')`;

    const notices: string[] = [];
    const conn = postgres(t.url, { max: 1, onnotice: (n) => notices.push(String(n.message)) });
    try {
      for (const statement of migrationSql()) await conn.unsafe(statement);
    } finally {
      await conn.end();
    }

    const after = Object.fromEntries(
      (await t.sql<{ id: string; email: string }[]>`SELECT id, email FROM users`).map((r) => [r.id, r.email]),
    );
    expect(after.m1).toBe(normalizeEmail(' Mixed@Example.com\t'));
    expect(after.z1).toBe(normalizeEmail('ZOE\u0308@example.com'));
    expect(after.z1).toBe('zoë@example.com');
    // Collisions: the account lookups already found keeps the address; the other is left for the operator.
    expect(after['d-new']).toBe('dup@example.com');
    expect(after['d-old']).toBe(' DUP@example.com');
    expect(after['c-old']).toBe('case@example.com');
    expect(after['c-new']).toBe('case@example.com\t');
    expect(notices.join('\n')).toMatch(/d-old/);
    expect(notices.join('\n')).toMatch(/c-new/);
    const [inv] = await t.sql<{ email: string }[]>`SELECT email FROM team_invitations`;
    expect(inv!.email).toBe('invitee@example.com');
  });
});
