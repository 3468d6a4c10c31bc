import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getCreditsRoute } from '@/app/api/packages/user/credits/route';
import { POST as deductRoute } from '@/app/api/packages/user/credits/deduct/route';
import { POST as reserveRoute } from '@/app/api/packages/user/credits/reservations/route';
import { POST as commitRoute } from '@/app/api/packages/user/credits/reservations/[reservation_id]/commit/route';
import { POST as releaseRoute } from '@/app/api/packages/user/credits/reservations/[reservation_id]/release/route';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { apiRequest, createUserWithToken, installTestContext, routeParams, type TestUser } from '../helpers/app';

let t: TestDatabase;
let owner: TestUser;
let member: TestUser;
let stranger: TestUser;

beforeAll(async () => {
  t = await createTestDatabase();
  installTestContext(t);
  owner = await createUserWithToken(t.db);
  member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
  stranger = await createUserWithToken(t.db);
});
afterAll(async () => {
  await t?.close();
});

const deduct = (token: string, body: unknown) =>
  deductRoute(apiRequest('/api/packages/user/credits/deduct', { token, body }));

describe('credits routes', () => {
  it('GET /api/packages/user/credits answers the seed shape for the current team', async () => {
    const res = await getCreditsRoute(apiRequest('/api/packages/user/credits', { token: member.token }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      ai_stories: { remaining_credits: number; unlimited: boolean; allowance: { amount: number } };
    };
    expect(body.ai_stories).toMatchObject({ remaining_credits: 25, unlimited: false, allowance: { amount: 25 } });
  });

  it('deducts for any member, idempotently, until empty, then answers 402 with the seed message', async () => {
    const first = await deduct(member.token, { credit_type: 'ai_stories', amount: 24, reference_id: 'story-1' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ remaining_credits: 1, replayed: false });
    expect(
      await (await deduct(member.token, { credit_type: 'ai_stories', amount: 24, reference_id: 'story-1' })).json(),
    ).toMatchObject({ remaining_credits: 1, replayed: true });
    expect((await deduct(owner.token, { amount: 1, reference_id: 'story-2' })).status).toBe(200);
    const empty = await deduct(owner.token, { credit_type: 'ai_stories', amount: 1, reference_id: 'story-3' });
    expect(empty.status).toBe(402);
    expect(await empty.json()).toEqual({
      error: {
        code: 'insufficient_credits',
        message: 'Insufficient AI story credits',
        details: { requested: 1, available: 0 },
      },
    });
  });

  it('rejects bad input with 400 naming the field', async () => {
    const cases: [unknown, RegExp][] = [
      [{ amount: 1 }, /^reference_id/],
      [{ amount: 0, reference_id: 'x' }, /^amount/],
      [{ amount: 'one', reference_id: 'x' }, /^amount/],
      [{ credit_type: 'gold', reference_id: 'x' }, /^credit_type/],
      [{ reference_id: 'x', surprise: true }, /surprise|body/],
      ['{not json', /^body/],
    ];
    for (const [body, message] of cases) {
      const res = await deduct(stranger.token, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });

  it("reserves, commits and releases over HTTP, only within the caller's team", async () => {
    const held = await reserveRoute(
      apiRequest('/api/packages/user/credits/reservations', {
        token: stranger.token,
        body: { amount: 5, reference_id: 'gen-a' },
      }),
    );
    expect(held.status).toBe(201);
    const { reservation_id } = (await held.json()) as { reservation_id: string };
    const path = `/api/packages/user/credits/reservations/${reservation_id}`;
    const foreign = await commitRoute(
      apiRequest(`${path}/commit`, { token: owner.token, body: {} }),
      routeParams({ reservation_id }),
    );
    expect(foreign.status).toBe(404);
    const committed = await commitRoute(
      apiRequest(`${path}/commit`, { token: stranger.token, body: {} }),
      routeParams({ reservation_id }),
    );
    expect(await committed.json()).toMatchObject({ status: 'committed', remaining_credits: 20 });
    const released = await releaseRoute(
      apiRequest(`${path}/release`, { token: stranger.token, body: {} }),
      routeParams({ reservation_id }),
    );
    expect(released.status).toBe(409);
    const bad = await commitRoute(
      apiRequest('/x', { token: stranger.token, body: {} }),
      routeParams({ reservation_id: 'nope' }),
    );
    expect(bad.status).toBe(400);
  });
});
