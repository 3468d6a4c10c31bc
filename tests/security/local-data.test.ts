import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@/db/embedded';
import { DEMO_EMAIL, ensureDemoUser } from '@/lib/accounts/demo';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const mode = (p: string) => fs.statSync(p).mode & 0o777;

function everyEntry(root: string): string[] {
  const out = [root];
  for (const entry of fs.readdirSync(root, { withFileTypes: true })) {
    const full = path.join(root, entry.name);
    out.push(...(entry.isDirectory() ? everyEntry(full) : [full]));
  }
  return out;
}

async function connectWith(url: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
  try {
    return await sql`SELECT 1 AS one`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

describe('the embedded PostgreSQL and .data are private', () => {
  let dataDir: string;
  let embedded: EmbeddedPostgres;
  const previousUmask = process.umask(0o022); // the usual umask, under which files come out world-readable

  beforeAll(async () => {
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'af-sec-')), '.data');
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'pglite'),
      passwordFile: path.join(dataDir, 'embedded-db-password'),
    });
  }, 60_000);
  afterAll(async () => {
    await embedded?.close();
    process.umask(previousUmask);
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('creates .data and everything in it 0700/0600', () => {
    const entries = everyEntry(dataDir);
    expect(entries.length).toBeGreaterThan(3);
    for (const entry of entries) {
      expect([entry, mode(entry)]).toEqual([entry, fs.statSync(entry).isDirectory() ? 0o700 : 0o600]);
    }
  });

  it('listens on 127.0.0.1 with a generated password stored in .data', () => {
    const url = new URL(embedded.url);
    expect(url.hostname).toBe('127.0.0.1');
    const password = fs.readFileSync(path.join(dataDir, 'embedded-db-password'), 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(decodeURIComponent(url.password)).toBe(password);
    expect(password).not.toBe('postgres');
  });

  it('accepts the right password and refuses any other credentials', async () => {
    expect(await connectWith(embedded.url)).toEqual([{ one: 1 }]);
    const wrong = new URL(embedded.url);
    for (const [user, password] of [
      ['postgres', 'postgres'],
      ['postgres', 'wrong-password'],
      ['anyone', 'anything'],
      ['postgres', ''],
    ] as const) {
      wrong.username = user;
      wrong.password = password;
      await expect(connectWith(wrong.toString())).rejects.toMatchObject({ code: '28P01' });
    }
  });

  it('keeps the same password across restarts of the same data directory', async () => {
    const again = await startEmbeddedPostgres({ passwordFile: path.join(dataDir, 'embedded-db-password') });
    try {
      expect(new URL(again.url).password).toBe(new URL(embedded.url).password);
    } finally {
      await again.close();
    }
  });
});

describe('the demo admin', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is never seeded into a DATABASE_URL database', async () => {
    expect(await ensureDemoUser(t.db, { DATABASE_URL: 'postgres://app@db.internal/agileforge' })).toBeNull();
    expect(await t.sql`SELECT 1 FROM users WHERE email = ${DEMO_EMAIL}`).toHaveLength(0);
  });

  it('is seeded into the embedded development database', async () => {
    expect(await ensureDemoUser(t.db, { DATABASE_URL: undefined })).toMatchObject({ email: DEMO_EMAIL });
    expect(await t.sql`SELECT is_platform_admin FROM users WHERE email = ${DEMO_EMAIL}`).toEqual([
      { is_platform_admin: true },
    ]);
  });
});
