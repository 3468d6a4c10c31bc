import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userCredits } from '@/db/schema';
import { ManualClock } from '@/lib/clock';
import {
  commit,
  deductCredit,
  getCredits,
  grantPackCredits,
  release,
  reserve,
  voidPackCredits,
  type CreditDeps,
} from '@/lib/credits';
import { RESERVATION_TTL_MS } from '@/lib/credits/rules';
import { Conflict, InsufficientCredits } from '@/lib/errors';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';
import { expectLedgerMatchesGrants } from './helpers';

/**
 * Model-based: an in-memory reference of the credit rules (README "Credits": a Starter team's
 * calendar-month allowance of 25, packs with expiry, spending order allowance first then soonest
 * expiry then oldest, holds with a time limit, idempotent reference ids, full refunds) and the real
 * module run the same random command sequences; after every command the balance, each grant's
 * remaining credits, the held credits and the error the model expects are compared.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  await t?.close();
});

const DAY = 86_400_000;
const STARTER_MONTHLY = 25;

interface ModelGrant {
  key: string;
  allowance: boolean;
  remaining: number;
  expiresAt: number;
  createdAt: number;
  voided: boolean;
}
interface ModelHold {
  ref: string;
  amount: number;
  status: 'held' | 'committed' | 'released';
  allocations: { key: string; take: number }[];
  expiresAt: number;
}
interface Model {
  now: number;
  grants: ModelGrant[];
  holds: ModelHold[];
}
interface Real {
  clock: ManualClock;
  deps: CreditDeps;
  teamId: string;
  /** Model grant key → real grant id. */
  grantIds: Map<string, string>;
  /** Reference id → real reservation id. */
  holdIds: Map<string, string>;
}
type Expected = 'insufficient' | 'conflict' | null;

const monthStart = (ms: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth(), 1);
const monthEnd = (ms: number) => Date.UTC(new Date(ms).getUTCFullYear(), new Date(ms).getUTCMonth() + 1, 1);
const live = (g: ModelGrant, now: number) => !g.voided && g.expiresAt > now;

/** What every credit operation does first: expiry, stale holds, the month's allowance. */
function prepare(m: Model): void {
  for (const g of m.grants) if (!g.voided && g.expiresAt <= m.now) g.remaining = 0;
  for (const h of m.holds)
    if (h.status === 'held' && h.expiresAt <= m.now) {
      for (const a of h.allocations) {
        const g = m.grants.find((x) => x.key === a.key)!;
        if (live(g, m.now)) g.remaining += a.take;
      }
      h.status = 'released';
    }
  const start = monthStart(m.now);
  if (!m.grants.some((g) => g.allowance && g.key === `allowance:${start}`))
    m.grants.push({
      key: `allowance:${start}`,
      allowance: true,
      remaining: STARTER_MONTHLY,
      expiresAt: monthEnd(m.now),
      createdAt: m.now,
      voided: false,
    });
}

function spendingOrder(m: Model): ModelGrant[] {
  return m.grants
    .map((g, i) => ({ g, i }))
    .filter(({ g }) => live(g, m.now) && g.remaining > 0)
    .sort(
      (a, b) =>
        Number(!a.g.allowance) - Number(!b.g.allowance) ||
        a.g.expiresAt - b.g.expiresAt ||
        a.g.createdAt - b.g.createdAt ||
        a.i - b.i,
    )
    .map(({ g }) => g);
}

/** The model's `take`: returns the error it expects, or null. */
function modelTake(m: Model, amount: number, ref: string, mode: 'reserve' | 'deduct'): Expected {
  const snapshot = structuredClone(m);
  prepare(m);
  const existing = m.holds.find((h) => h.ref === ref);
  if (existing) {
    if (existing.amount !== amount) return 'conflict';
    if (mode === 'deduct' && existing.status === 'held') existing.status = 'committed';
    return existing.status === 'released' ? 'conflict' : null;
  }
  const plan: { key: string; take: number }[] = [];
  let left = amount;
  for (const g of spendingOrder(m)) {
    if (left === 0) break;
    const take = Math.min(g.remaining, left);
    plan.push({ key: g.key, take });
    left -= take;
  }
  if (left > 0) {
    Object.assign(m, snapshot); // the transaction rolls back
    return 'insufficient';
  }
  for (const p of plan) m.grants.find((g) => g.key === p.key)!.remaining -= p.take;
  m.holds.push({
    ref,
    amount,
    status: mode === 'deduct' ? 'committed' : 'held',
    allocations: plan,
    expiresAt: m.now + RESERVATION_TTL_MS,
  });
  return null;
}

async function outcome(run: () => Promise<unknown>): Promise<Expected> {
  try {
    await run();
    return null;
  } catch (err) {
    if (err instanceof InsufficientCredits) return 'insufficient';
    if (err instanceof Conflict) return 'conflict';
    throw err;
  }
}

/** Compares the real module with the model after a command. */
async function compare(m: Model, r: Real): Promise<void> {
  prepare(m);
  const seen = (await getCredits(r.deps, r.teamId)).ai_stories;
  const balance = m.grants.filter((g) => live(g, m.now)).reduce((s, g) => s + g.remaining, 0);
  const held = m.holds.filter((h) => h.status === 'held').reduce((s, h) => s + h.amount, 0);
  expect({ remaining: seen.remaining_credits, held: seen.held_credits }).toEqual({ remaining: balance, held });
  const rows = await t.db.select().from(userCredits).where(eq(userCredits.teamId, r.teamId));
  const packs = Object.fromEntries(
    m.grants.filter((g) => !g.allowance).map((g) => [g.key, live(g, m.now) ? g.remaining : 0]),
  );
  const realPacks = Object.fromEntries(
    [...r.grantIds].map(([key, id]) => {
      const row = rows.find((x) => x.id === id)!;
      return [key, row.voidedAt || (row.expiresAt && row.expiresAt.getTime() <= m.now) ? 0 : row.remaining];
    }),
  );
  expect(realPacks).toEqual(packs);
  const allowance = m.grants.filter((g) => g.allowance && live(g, m.now)).reduce((s, g) => s + g.remaining, 0);
  const realAllowance = rows
    .filter((x) => x.source === 'plan_allowance' && !x.voidedAt && x.expiresAt!.getTime() > m.now)
    .reduce((s, x) => s + x.remaining, 0);
  expect(realAllowance).toBe(allowance);
  expect(await expectLedgerMatchesGrants(t.db, r.teamId, new Date(m.now))).toBe(balance);
}

type Cmd = fc.AsyncCommand<Model, Real, false>;
const always = () => true;

class AddPack implements Cmd {
  constructor(
    readonly credits: number,
    readonly days: number,
  ) {}
  check = always;
  async run(m: Model, r: Real) {
    // A second apart, so two packs never tie on every spending-order key.
    m.now += 1000;
    r.clock.set(m.now);
    const key = `pack-${m.grants.length}-${r.teamId}`;
    m.grants.push({
      key,
      allowance: false,
      remaining: this.credits,
      expiresAt: m.now + this.days * DAY,
      createdAt: m.now,
      voided: false,
    });
    const grant = await t.db.transaction((tx) =>
      grantPackCredits(tx, r.clock, undefined, {
        teamId: r.teamId,
        packageId: `credits_${this.credits}`,
        credits: this.credits,
        validityDays: this.days,
        priority: false,
        businessKey: key,
      }),
    );
    r.grantIds.set(key, grant.id);
    await compare(m, r);
  }
  toString = () => `AddPack(${this.credits}, ${this.days}d)`;
}

class Take implements Cmd {
  constructor(
    readonly mode: 'reserve' | 'deduct',
    readonly amount: number,
    readonly ref: number,
  ) {}
  check = always;
  async run(m: Model, r: Real) {
    const ref = `ref-${this.ref}`;
    const expected = modelTake(m, this.amount, ref, this.mode);
    const got = await outcome(async () => {
      const res =
        this.mode === 'deduct'
          ? await deductCredit(r.deps, r.teamId, 'ai_stories', this.amount, ref)
          : await reserve(r.deps, r.teamId, this.amount, ref);
      r.holdIds.set(ref, res.reservation_id);
    });
    expect(got, this.toString()).toBe(expected);
    await compare(m, r);
  }
  toString = () => `${this.mode}(${this.amount}, ref-${this.ref})`;
}

class Settle implements Cmd {
  constructor(
    readonly action: 'commit' | 'release',
    readonly pick: number,
  ) {}
  check = (m: Readonly<Model>) => m.holds.length > 0;
  async run(m: Model, r: Real) {
    const hold = m.holds[this.pick % m.holds.length]!;
    prepare(m);
    let expected: Expected = null;
    if (this.action === 'commit') {
      if (hold.status === 'released') expected = 'conflict';
      else hold.status = 'committed';
    } else if (hold.status === 'committed') expected = 'conflict';
    else if (hold.status === 'held') {
      for (const a of hold.allocations) {
        const g = m.grants.find((x) => x.key === a.key)!;
        if (live(g, m.now)) g.remaining += a.take;
      }
      hold.status = 'released';
    }
    const id = r.holdIds.get(hold.ref)!;
    const got = await outcome(() => (this.action === 'commit' ? commit : release)(r.deps, r.teamId, id));
    expect(got, this.toString()).toBe(expected);
    await compare(m, r);
  }
  toString = () => `${this.action}(#${this.pick})`;
}

class FullRefund implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.grants.some((g) => !g.allowance);
  async run(m: Model, r: Real) {
    const packs = m.grants.filter((g) => !g.allowance);
    const pack = packs[this.pick % packs.length]!;
    pack.remaining = 0;
    pack.voided = true;
    await t.db.transaction((tx) => voidPackCredits(tx, r.clock, { businessKey: pack.key }));
    await compare(m, r);
  }
  toString = () => `fullRefund(#${this.pick})`;
}

class Advance implements Cmd {
  constructor(readonly minutes: number) {}
  check = always;
  async run(m: Model, r: Real) {
    m.now += this.minutes * 60_000;
    r.clock.set(m.now);
    await compare(m, r);
  }
  toString = () => `advance(${this.minutes}min)`;
}

const commands = [
  fc.tuple(fc.constantFrom(50, 100, 250), fc.integer({ min: 1, max: 120 })).map(([c, d]) => new AddPack(c, d)),
  fc
    .tuple(fc.constantFrom('reserve' as const, 'deduct' as const), fc.integer({ min: 1, max: 60 }), fc.nat(6))
    .map(([mode, amount, ref]) => new Take(mode, amount, ref)),
  fc.tuple(fc.constantFrom('commit' as const, 'release' as const), fc.nat()).map(([a, p]) => new Settle(a, p)),
  fc.nat().map((p) => new FullRefund(p)),
  fc
    .oneof(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 10, max: 60 * 24 * 40 }))
    .map((minutes) => new Advance(minutes)),
];

describe('credit ledger against a reference model (fast-check commands)', () => {
  it('balances, per-grant remaining, held credits and refusals match the model after every command', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
        const start = Date.parse('2026-11-05T00:00:00Z');
        const clock = new ManualClock(start);
        const user = await createUserWithToken(t.db);
        const real: Real = {
          clock,
          deps: { db: t.db, clock },
          teamId: user.teamId,
          grantIds: new Map(),
          holdIds: new Map(),
        };
        await fc.asyncModelRun(() => ({ model: { now: start, grants: [], holds: [] }, real }), cmds);
      }),
      { numRuns: 30 },
    );
  }, 240_000);
});
