import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken, installTestContext, type TestUser } from '../helpers/app';
import { callRoute, DOCUMENTED_ROUTES } from '../helpers/routes';

/**
 * Every documented route driven by fast-check with generated path params, query strings, headers
 * and bodies, hostile ones weighted in (NUL, lone surrogates, huge numbers, deep nesting, 2 MB):
 * never a 500, never a stack trace, every refusal in the JSON error envelope. Stripe is out of
 * reach here (503 is an answer); the runs per route are few, so the whole file stays bounded.
 */
let t: TestDatabase;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t);
  await upsertCatalogRows(t.db, PACKAGES);
  owner = await createUserWithToken(t.db, { isPlatformAdmin: true });
});
afterAll(async () => {
  await t?.close();
});

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('a\u0000b', '\ud800', 'x\udfffx', '\u202e', '../../etc/passwd', "' OR 1=1 --", '%00', '%ZZ', ''),
  fc.string({ maxLength: 4 }).map((s) => s.repeat(500)),
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, -0, 2 ** 64, 0.1, -1),
  fc.double(),
  fc.bigInt().map((b) => Number(b)),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileText,
    hugeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(hostileText, fc.constantFrom('amount', 'package_id', 'reference_id', 'action')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;
const deepNesting = fc.integer({ min: 1000, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const body = fc.oneof(
  jsonish.map((v) => JSON.stringify(v) ?? 'null'),
  fc
    .record({
      package_id: hostileText,
      amount: hugeNumber,
      reference_id: hostileText,
      action: fc.constantFrom('cancel', 'resume', 'change_plan', 'add_addon', 'x'),
      credit_type: hostileText,
    })
    .map((v) => JSON.stringify(v)),
  deepNesting,
  hostileText,
  fc.constantFrom(
    '{"amount": 1e999}',
    '{"amount": 123456789012345678901234567890}',
    '{',
    '\u0000',
    '{"__proto__":{"x":1}}',
  ),
  fc.constant('x'.repeat(2 * 1024 * 1024)),
  fc.constant(JSON.stringify({ reference_id: 'y'.repeat(2 * 1024 * 1024) })),
);
// Header values a client can put on the wire (Fetch refuses NUL and line breaks itself).
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data'),
);
const headers = fc.record(
  {
    'content-type': headerValue,
    'x-forwarded-for': fc.oneof(headerValue, fc.constantFrom('1.2.3.4, 5.6.7.8', '::1', '999.999.1.1')),
    origin: fc.oneof(headerValue, fc.constant('http://app.test')),
    'idempotency-key': headerValue,
    'stripe-signature': headerValue,
    authorization: fc.oneof(headerValue, fc.constantFrom('Bearer ', 'Bearer afk_', 'Basic xyz')),
  },
  { requiredKeys: [] },
);
const query = fc
  .array(
    fc.tuple(
      fc.oneof(hostileText, fc.constantFrom('type', 'currency', 'from', 'to', 'limit', 'cursor')),
      fc.oneof(hostileText, hugeNumber.map(String)),
    ),
    {
      maxLength: 4,
    },
  )
  .map((pairs) => new URLSearchParams(pairs.map(([k, v]) => [k, v])).toString());

describe('fuzzing every documented route', () => {
  it.each(DOCUMENTED_ROUTES.map((r) => [r.name, r.spec] as const))(
    '%s: never a 500, never a stack trace, always the envelope',
    async (name, spec) => {
      const paramNames = [...spec.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            params: fc.tuple(...paramNames.map(() => hostileText)),
            query,
            headers,
            body,
            authenticated: fc.boolean(),
          }),
          async (input) => {
            const res = await callRoute(spec, {
              params: Object.fromEntries(paramNames.map((p, i) => [p, input.params[i]!])),
              query: input.query,
              headers: input.headers,
              token: input.authenticated ? owner.token : undefined,
              body: input.body,
            });
            const text = await res.text();
            expect(res.status, `${name}: ${text.slice(0, 300)}`).not.toBe(500);
            expect(res.status).toBeLessThan(600);
            expect(text).not.toMatch(/\.ts:\d|\n\s+at |node_modules/);
            if (res.status >= 400) {
              const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
              expect(typeof parsed.error?.code, text.slice(0, 300)).toBe('string');
              expect(typeof parsed.error?.message).toBe('string');
            }
          },
        ),
        { numRuns: 12, interruptAfterTimeLimit: 8000 },
      );
    },
    30_000,
  );
});
