import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as listPackages } from '@/app/api/packages/route';
import { POST as deduct } from '@/app/api/packages/user/credits/deduct/route';
import { connectDatabase } from '@/db/client';
import { invalidateCatalogCache } from '@/lib/catalog';
import { apiRequest, installTestContext } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

describe('an unreachable database', () => {
  let t: TestDatabase;
  let dead: ReturnType<typeof connectDatabase>;

  beforeAll(async () => {
    t = await createTestDatabase();
    // Port 9 (discard) has no PostgreSQL behind it: every query fails to connect.
    dead = connectDatabase('postgres://postgres@127.0.0.1:9/none', { max: 1 });
    const context = installTestContext(t);
    context.db = dead.db;
    invalidateCatalogCache();
  });

  afterAll(async () => {
    await dead.close();
    await t.close();
  });

  it.each([
    ['GET /api/packages/', () => listPackages(apiRequest('/api/packages/', { token: 'afk_whatever' }))],
    [
      'POST /api/packages/user/credits/deduct',
      () =>
        deduct(
          apiRequest('/api/packages/user/credits/deduct', {
            token: 'afk_whatever',
            body: { credit_type: 'ai_stories', amount: 1, reference_id: 'story-1' },
          }),
        ),
    ],
  ])('%s answers 503 with Retry-After and no stack trace', async (_name, call) => {
    const res = await call();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('service_unavailable');
    expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED|\.ts:|at /);
  });
});
