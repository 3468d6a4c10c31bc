import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, grantAdjustment, reserve } from '@/lib/credits';
import { creditHistory } from '@/lib/credits/history';
import { createLogger } from '@/lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

describe('creditHistory: the ledger as the credits page shows it', () => {
  it('lists a team’s movements newest first with reference and member, paginated, and nobody else’s', async () => {
    const clock = new ManualClock(new Date('2026-11-10T09:00:00Z'));
    const deps = { db: t.db, clock, logger: createLogger({ level: 'silent' }) };
    const owner = await createUserWithToken(t.db);
    const member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    const stranger = await createUserWithToken(t.db);
    await grantAdjustment(t.db, clock, deps.logger, {
      teamId: owner.teamId,
      credits: 40,
      validityDays: null,
      reason: 'goodwill',
      businessKey: 'history-test-grant',
    });
    clock.advance(60_000);
    await deductCredit(deps, owner.teamId, 'ai_stories', 2, 'STORY-1', member.userId);
    clock.advance(60_000);
    await reserve(deps, owner.teamId, 3, 'STORY-2', { userId: owner.userId });
    await deductCredit(deps, stranger.teamId, 'ai_stories', 1, 'STORY-X', stranger.userId);

    const all = await creditHistory(t.db, owner.teamId, { limit: 50, offset: 0 });
    expect(all.entries.some((e) => e.reference_id === 'STORY-X')).toBe(false);
    const story1 = all.entries.find((e) => e.reference_id === 'STORY-1')!;
    expect(story1).toMatchObject({ member_email: member.email });
    expect(story1.delta).toBeLessThan(0);
    const times = all.entries.map((e) => Date.parse(e.created_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    // Each entry's balance is what the one before it left plus its own change.
    const ordered = [...all.entries].reverse();
    for (let i = 1; i < ordered.length; i++)
      expect(ordered[i]!.balance_after).toBe(ordered[i - 1]!.balance_after + ordered[i]!.delta);

    const first = await creditHistory(t.db, owner.teamId, { limit: 2, offset: 0 });
    const second = await creditHistory(t.db, owner.teamId, { limit: 2, offset: 2 });
    expect(first.total).toBe(all.total);
    expect([...first.entries, ...second.entries].map((e) => e.id)).toEqual(all.entries.slice(0, 4).map((e) => e.id));
  });
});
