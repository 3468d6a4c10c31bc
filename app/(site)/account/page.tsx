import type { Metadata } from 'next';
import { VerifyEmailNotice } from '@/components/auth/verify-email-notice';
import { requireUser } from '@/lib/auth/session';
import { getEnv } from '@/lib/config/env';
import { getTeamEntitlements } from '@/lib/entitlements';
import { getAppContext } from '@/lib/server/context';
import { listUserTeams } from '@/lib/teams';
import { createTeamAction, switchTeamAction } from '@/lib/teams/actions';

const TEAM_ERRORS: Record<string, (maxOwned: number) => string> = {
  team_limit: (max) => `You already own ${max} teams, the most one account may own.`,
  invalid_request: () => 'A team name must be 1 to 80 characters, without control characters.',
};

export const metadata: Metadata = { title: 'Your account' };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ team_error?: string }> }) {
  const user = await requireUser('/account');
  const { team_error: teamError } = await searchParams;
  const teamErrorMessage = teamError ? TEAM_ERRORS[teamError]?.(getEnv().MAX_OWNED_TEAMS) : undefined;
  const app = getAppContext();
  const teams = await listUserTeams(app.db, user.id);
  const entitlements = user.team ? await getTeamEntitlements(app, user.team.id) : null;
  return (
    <main id="main" className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">Your account</h1>
      <p>
        Signed in as <strong className="break-all">{user.email}</strong>.
      </p>
      {!user.emailVerified && (
        <VerifyEmailNotice email={user.email} reason="You need a confirmed address to accept team invitations." />
      )}
      <section className="rounded-md border border-border bg-card p-4">
        <h2 className="font-semibold">Current team</h2>
        <form action={switchTeamAction} className="mt-2 flex gap-2">
          <label className="sr-only" htmlFor="team_id">
            Team
          </label>
          <select
            id="team_id"
            name="team_id"
            defaultValue={user.team?.id}
            className="min-w-0 flex-1 rounded-md border border-input bg-card px-3 py-2"
          >
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.role})
              </option>
            ))}
          </select>
          <button type="submit" className="rounded-md border px-3 py-2 text-sm">
            Switch
          </button>
        </form>
        {entitlements && (
          <dl className="mt-4 grid grid-cols-2 gap-2 text-sm">
            <dt>Plan</dt>
            <dd data-testid="plan">{entitlements.plan}</dd>
            <dt>Members</dt>
            <dd>{entitlements.member_limit ?? 'Unlimited'}</dd>
            <dt>Storage</dt>
            <dd>{entitlements.storage_gb} GB</dd>
            <dt>AI stories a month</dt>
            <dd>
              {entitlements.monthly_story_allowance.unlimited
                ? 'Unlimited'
                : entitlements.monthly_story_allowance.total}
            </dd>
          </dl>
        )}
      </section>
      {teamErrorMessage && (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {teamErrorMessage}
        </p>
      )}
      <form action={createTeamAction} className="flex gap-2 rounded-md border border-border bg-card p-4">
        <label className="sr-only" htmlFor="new-team">
          New team name
        </label>
        <input
          id="new-team"
          name="name"
          required
          placeholder="New team name"
          className="min-w-0 flex-1 rounded-md border border-input bg-card px-3 py-2"
        />
        <button type="submit" className="rounded-md bg-primary px-3 py-2 text-sm text-primary-foreground">
          Create team
        </button>
      </form>
    </main>
  );
}
