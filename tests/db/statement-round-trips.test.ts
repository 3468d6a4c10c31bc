import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type DbHandle } from '@/db/client';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { deductCredit, getCredits, grantAdjustment } from '@/lib/credits';
import { createUserWithToken } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { startWireCounter, type WireCounter } from '../helpers/wire-counter';

/**
 * What a deduction costs on the wire while the team's lock is held: every deduction of a team waits
 * for the one before it, so one team's throughput is one over these round trips. Counted at a proxy
 * in front of the database (tests/helpers/wire-counter.ts), after each statement has been seen once.
 */
let t: TestDatabase;
let counter: WireCounter;
beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
  const target = new URL(t.url);
  counter = await startWireCounter({ host: target.hostname, port: Number(target.port) });
});
afterAll(async () => {
  await counter?.close();
  await t?.close();
});

async function measure(prepare: boolean) {
  const proxied: DbHandle = connectDatabase(counter.urlFor(t.url), { max: 1, prepare });
  try {
    const clock = new ManualClock('2026-11-10T12:00:00Z');
    const deps = { db: proxied.db, clock };
    const user = await createUserWithToken(proxied.db);
    await grantAdjustment(proxied.db, clock, undefined, {
      teamId: user.teamId,
      credits: 100,
      validityDays: null,
      reason: 'round trips',
      businessKey: `round-trips-${user.teamId}`,
    });
    // Statements are prepared (named) on a connection the first time it runs them.
    for (const ref of ['warm-1', 'warm-2']) await deductCredit(deps, user.teamId, 'ai_stories', 1, ref);
    await getCredits(deps, user.teamId);
    counter.reset();
    await deductCredit(deps, user.teamId, 'ai_stories', 1, 'measured');
    const deduct = { roundTrips: counter.roundTrips, parses: counter.parses };
    counter.reset();
    await getCredits(deps, user.teamId);
    const read = { roundTrips: counter.roundTrips, parses: counter.parses };
    return { deduct, read };
  } finally {
    await proxied.close();
  }
}

describe('statements on the wire', () => {
  it('named statements: a deduction parses nothing again and sends what it can together', async () => {
    const { deduct, read } = await measure(true);
    expect(deduct.parses).toBe(0);
    expect(read.parses).toBe(0);
    // BEGIN; the lock with the team's credit snapshot and the reference's reservation; the
    // reservation, the decrement and the ledger entry; COMMIT. Two of them under the lock.
    expect(deduct.roundTrips).toBe(4);
    // The snapshot statement (no transaction, no lock).
    expect(read.roundTrips).toBe(1);
  }, 30_000);

  it('unnamed statements (DATABASE_PREPARE=0, for PgBouncer): each is parsed and described first, one at a time', async () => {
    const { deduct } = await measure(false);
    // The same seven statements, each parsed again and waited for twice (described, then bound).
    expect(deduct.parses).toBe(7);
    expect(deduct.roundTrips).toBe(14);
  }, 30_000);
});
