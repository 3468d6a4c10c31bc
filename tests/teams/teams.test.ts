import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subscriptions } from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { AppError } from '@/lib/errors';
import {
  acceptInvitation,
  createTeam,
  inviteMember,
  listMembers,
  listUserTeams,
  removeMember,
  resolveCurrentTeam,
  switchTeam,
} from '@/lib/teams';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createUserWithToken } from '../helpers/app';

let t: TestDatabase;
const clock = new ManualClock('2026-11-01T00:00:00Z');
const deps = () => ({ db: t.db, clock });

beforeAll(async () => {
  t = await createTestDatabase();
  await upsertCatalogRows(t.db, PACKAGES);
});
afterAll(async () => {
  await t?.close();
});

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('teams', () => {
  it('invites and accepts up to the Starter limit of 3, then refuses naming the plan to upgrade to', async () => {
    const owner = await createUserWithToken(t.db);
    const a = await createUserWithToken(t.db);
    const b = await createUserWithToken(t.db);
    for (const m of [a, b]) {
      const inv = await inviteMember(deps(), {
        teamId: owner.teamId,
        inviterId: owner.userId,
        email: m.email,
        role: 'member',
      });
      expect(inv.acceptPath).toMatch(/^\/account\/invitations\//);
      await acceptInvitation(deps(), { token: inv.token, userId: m.userId });
    }
    expect((await listMembers(t.db, owner.teamId)).length).toBe(3);
    const err = await rejection(
      inviteMember(deps(), {
        teamId: owner.teamId,
        inviterId: owner.userId,
        email: 'fourth@example.com',
        role: 'member',
      }),
    );
    expect(err.status).toBe(409);
    expect(err.code).toBe('member_limit_reached');
    expect(err.message).toContain('Upgrade to Professional');
  });

  it('counts open invitations against the limit, and lifts the limit on a paid plan', async () => {
    const owner = await createUserWithToken(t.db);
    await inviteMember(deps(), {
      teamId: owner.teamId,
      inviterId: owner.userId,
      email: 'x1@example.com',
      role: 'member',
    });
    await inviteMember(deps(), {
      teamId: owner.teamId,
      inviterId: owner.userId,
      email: 'x2@example.com',
      role: 'admin',
    });
    await rejection(
      inviteMember(deps(), { teamId: owner.teamId, inviterId: owner.userId, email: 'x3@example.com', role: 'member' }),
    );
    await t.db.insert(subscriptions).values({
      teamId: owner.teamId,
      stripeSubscriptionId: `sub_${owner.teamId}`,
      stripeCustomerId: 'cus_x',
      packageId: 'professional_monthly',
      status: 'active',
      currency: 'usd',
    });
    for (let i = 3; i < 8; i++)
      await inviteMember(deps(), {
        teamId: owner.teamId,
        inviterId: owner.userId,
        email: `x${i}@example.com`,
        role: 'member',
      });
  });

  it('lets only owners and admins invite, and only the invited address accept', async () => {
    const owner = await createUserWithToken(t.db);
    const member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    expect(
      (
        await rejection(
          inviteMember(deps(), {
            teamId: owner.teamId,
            inviterId: member.userId,
            email: 'y@example.com',
            role: 'member',
          }),
        )
      ).status,
    ).toBe(403);
    const inv = await inviteMember(deps(), {
      teamId: owner.teamId,
      inviterId: owner.userId,
      email: 'invited@example.com',
      role: 'member',
    });
    const stranger = await createUserWithToken(t.db);
    expect((await rejection(acceptInvitation(deps(), { token: inv.token, userId: stranger.userId }))).status).toBe(403);
    expect((await rejection(acceptInvitation(deps(), { token: 'not-a-token', userId: stranger.userId }))).status).toBe(
      404,
    );
  });

  it('expires invitations after 7 days', async () => {
    const owner = await createUserWithToken(t.db);
    const invitee = await createUserWithToken(t.db);
    const inv = await inviteMember(deps(), {
      teamId: owner.teamId,
      inviterId: owner.userId,
      email: invitee.email,
      role: 'member',
    });
    clock.advance(7 * 86_400_000);
    expect((await rejection(acceptInvitation(deps(), { token: inv.token, userId: invitee.userId }))).code).toBe(
      'invitation_invalid',
    );
    clock.set('2026-11-01T00:00:00Z');
  });

  it('removes members by role, never the owner, and lets a member leave', async () => {
    const owner = await createUserWithToken(t.db);
    const admin = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'admin' } });
    const member = await createUserWithToken(t.db, { joinTeam: { teamId: owner.teamId, role: 'member' } });
    expect(
      (await rejection(removeMember(deps(), { teamId: owner.teamId, actorId: member.userId, userId: admin.userId })))
        .status,
    ).toBe(403);
    expect(
      (await rejection(removeMember(deps(), { teamId: owner.teamId, actorId: admin.userId, userId: owner.userId })))
        .status,
    ).toBe(409);
    await removeMember(deps(), { teamId: owner.teamId, actorId: admin.userId, userId: member.userId });
    await removeMember(deps(), { teamId: owner.teamId, actorId: admin.userId, userId: admin.userId });
    expect((await listMembers(t.db, owner.teamId)).map((m) => m.userId)).toEqual([owner.userId]);
    // A removed member's current team falls back to a team they still belong to.
    expect((await resolveCurrentTeam(t.db, member.userId))?.role).toBe('owner');
  });

  it('creates more teams and switches between them, never into a foreign team', async () => {
    const user = await createUserWithToken(t.db);
    const other = await createUserWithToken(t.db);
    const second = await createTeam(t.db, user.userId, 'Second team');
    expect((await resolveCurrentTeam(t.db, user.userId))?.id).toBe(second.id);
    await switchTeam(t.db, user.userId, user.teamId);
    expect((await resolveCurrentTeam(t.db, user.userId))?.id).toBe(user.teamId);
    expect((await rejection(switchTeam(t.db, user.userId, other.teamId))).status).toBe(404);
  });

  it('caps the teams a user may own (MAX_OWNED_TEAMS, default 5, the personal team included), also when asked at once', async () => {
    const user = await createUserWithToken(t.db);
    const attempts = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => createTeam(t.db, user.userId, `Team ${i + 1}`)),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(4);
    const refused = attempts.filter((a) => a.status === 'rejected') as PromiseRejectedResult[];
    expect(refused).toHaveLength(2);
    expect(refused.every((r) => r.reason?.status === 409 && r.reason?.code === 'team_limit')).toBe(true);
    expect((await listUserTeams(t.db, user.userId)).filter((m) => m.role === 'owner')).toHaveLength(5);
    // Being a member of other teams does not count; another user's cap is their own.
    const other = await createUserWithToken(t.db);
    expect(await createTeam(t.db, other.userId, 'Their second')).toHaveProperty('id');
    expect((await rejection(createTeam(t.db, other.userId, 'Over a cap of 2', { maxOwnedTeams: 2 }))).status).toBe(409);
  });
});
