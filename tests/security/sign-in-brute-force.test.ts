import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createUser } from '@/lib/accounts';
import { installTestContext } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { attemptSignIn, fromSocket } from './helpers';

/*
 * Exploits from issue 18, "Sign-in brute force", driven through Auth.js's credentials callback.
 * The app runs as `npm start` runs it with no proxy: TRUSTED_PROXY_HOPS=0 behind the server entry,
 * which stamps the connection's address. rate-limiter-flexible reads the wall clock, so time is
 * moved with fake Date timers, never waited for.
 */
let t: TestDatabase;
const PASSWORD = 'victim-password-2026';

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' } });
});
afterAll(async () => {
  await t?.close();
});
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-20T10:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

let victims = 0;
async function victim(): Promise<string> {
  const email = `victim-${++victims}@example.com`;
  await createUser(t.db, { email, password: PASSWORD });
  return email;
}

const spellings = (email: string) => [
  ` ${email}\t`,
  email.toUpperCase(),
  `${email} `,
  `\n${email}`,
  email.replace('victim', 'VICTIM'),
  `  ${email.toUpperCase()}  `,
  `\t${email}\t`,
  email.replace('@example', '@EXAMPLE'),
  ` ${email.replace('victim', 'Victim')}`,
  `${email}\n`,
  ` ${email} `,
  `${email.toUpperCase()}\t`,
];

describe('sign-in brute force', () => {
  it('counts padded and re-cased spellings of one address, with a rotating X-Forwarded-For, as one pair', async () => {
    const email = await victim();
    const attacker = '198.51.100.66';
    const guesses = spellings(email);
    for (let i = 0; i < 10; i++) {
      const outcome = await attemptSignIn(guesses[i]!, `guess-number-${i}`, {
        ...fromSocket(attacker),
        'x-forwarded-for': `203.0.113.${i}`,
      });
      expect(outcome, `guess ${i}`).toBe('wrong_credentials');
    }
    // The eleventh try is not even checked, even with the right password in yet another spelling.
    expect(
      await attemptSignIn(guesses[10]!, PASSWORD, { ...fromSocket(attacker), 'x-forwarded-for': '203.0.113.99' }),
    ).toBe('rate_limited');
  });

  it('signs in with any spelling normalizeEmail folds together, including a decomposed accent', async () => {
    await createUser(t.db, { email: 'Zoë@Example.com', password: PASSWORD });
    expect(await attemptSignIn(' ZOE\u0308@example.COM\t', PASSWORD, fromSocket('192.0.2.10'))).toBe('signed_in');
  });

  it('never locks the owner out: failures from one address leave a correct password from another untouched', async () => {
    const email = await victim();
    for (let i = 0; i < 12; i++) await attemptSignIn(email, `wrong-guess-${i}`, fromSocket('198.51.100.7'));
    expect(await attemptSignIn(email, PASSWORD, fromSocket('198.51.100.7'))).toBe('rate_limited');
    expect(await attemptSignIn(email, PASSWORD, fromSocket('192.0.2.44'))).toBe('signed_in');
  });

  it('a success resets the pair: nine failures, a success, then nine more are all still checked', async () => {
    const email = await victim();
    const from = fromSocket('192.0.2.45');
    for (let i = 0; i < 9; i++) expect(await attemptSignIn(email, `typo-${i}`, from)).toBe('wrong_credentials');
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('signed_in');
    for (let i = 0; i < 9; i++) expect(await attemptSignIn(email, `typo-again-${i}`, from)).toBe('wrong_credentials');
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('signed_in');
  });

  it('blocks a pair after 10 consecutive failures, for 15 minutes, then 30 after the next 10', async () => {
    const email = await victim();
    const from = fromSocket('198.51.100.8');
    for (let i = 0; i < 10; i++) expect(await attemptSignIn(email, `first-${i}`, from)).toBe('wrong_credentials');
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('rate_limited');
    vi.setSystemTime(new Date('2026-11-20T10:14:50Z'));
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('rate_limited');
    vi.setSystemTime(new Date('2026-11-20T10:15:10Z'));
    for (let i = 0; i < 10; i++) expect(await attemptSignIn(email, `second-${i}`, from)).toBe('wrong_credentials');
    vi.setSystemTime(new Date('2026-11-20T10:30:20Z')); // 15 minutes later: the second block is longer
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('rate_limited');
    vi.setSystemTime(new Date('2026-11-20T10:45:20Z'));
    expect(await attemptSignIn(email, PASSWORD, from)).toBe('signed_in');
  });

  it('blocks an address for a day after 100 failures on any accounts, whatever X-Forwarded-For it sends', async () => {
    const email = await victim();
    const sprayer = '198.51.100.9';
    for (let i = 0; i < 100; i++) {
      const outcome = await attemptSignIn(`nobody-${i}@example.com`, 'sprayed-password-1', {
        ...fromSocket(sprayer),
        'x-forwarded-for': `10.0.${i}.1`,
      });
      expect(outcome, `spray ${i}`).toBe('wrong_credentials');
    }
    expect(await attemptSignIn(email, PASSWORD, fromSocket(sprayer))).toBe('rate_limited');
    expect(await attemptSignIn(email, PASSWORD, fromSocket('192.0.2.46'))).toBe('signed_in');
    vi.setSystemTime(new Date('2026-11-21T10:00:30Z'));
    expect(await attemptSignIn(email, PASSWORD, fromSocket(sprayer))).toBe('signed_in');
  }, 120_000);

  it('refuses to count under a guessed key: without the server entry and with no trusted proxy nothing is checked', async () => {
    const email = await victim();
    installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '0' } });
    try {
      expect(await attemptSignIn(email, PASSWORD, { 'x-forwarded-for': '192.0.2.1' })).toBe('client_unknown');
    } finally {
      installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' } });
    }
  });

  it('behind one trusted proxy counts the address the proxy appended, not what the client wrote before it', async () => {
    const email = await victim();
    installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '1' } });
    try {
      for (let i = 0; i < 10; i++) {
        // The client forges a leftmost entry each time; the proxy appends the real peer.
        await attemptSignIn(email, `proxied-${i}`, { 'x-forwarded-for': `10.1.${i}.1, 198.51.100.10` });
      }
      expect(await attemptSignIn(email, PASSWORD, { 'x-forwarded-for': '10.9.9.9, 198.51.100.10' })).toBe(
        'rate_limited',
      );
      expect(await attemptSignIn(email, PASSWORD, { 'x-forwarded-for': '198.51.100.10, 192.0.2.47' })).toBe(
        'signed_in',
      );
    } finally {
      installTestContext(t, { env: { TRUSTED_PROXY_HOPS: '0', AGILEFORGE_SERVER_ENTRY: '1' } });
    }
  });
});

describe('sign-in with hostile bytes', () => {
  it('a NUL byte or a lone surrogate in the email is refused before any query, as wrong credentials', async () => {
    const email = await victim();
    // A failed query would be logged by Auth.js with its parameters (the address) on the console.
    const logged: unknown[][] = [];
    const spies = (['error', 'warn', 'log'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args)),
    );
    try {
      for (const hostile of [`${email}\u0000`, `vic\u0000tim@example.com`, `${email}\ud800`]) {
        expect(await attemptSignIn(hostile, PASSWORD, fromSocket('192.0.2.77'))).toBe('wrong_credentials');
      }
    } finally {
      spies.forEach((s) => s.mockRestore());
    }
    expect(JSON.stringify(logged)).not.toContain('example.com');
    expect(await attemptSignIn(email, PASSWORD, fromSocket('192.0.2.77'))).toBe('signed_in');
  });
});
