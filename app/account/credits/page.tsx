import { requireUser } from '@/lib/auth/session';
import { getCredits, memberUsage } from '@/lib/credits';
import { getAppContext } from '@/lib/server/context';

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');

export default async function CreditsPage() {
  const user = await requireUser('/account/credits');
  if (!user.team) return <main className="p-10">You are not in a team.</main>;
  const app = getAppContext();
  const { ai_stories: credits } = await getCredits(app, user.team.id);
  const members = await memberUsage(app.db, user.team.id);
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">AI story credits</h1>
      {credits.warnings.map((w) => (
        <p key={w} role="status" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          Usage warning: {w}
        </p>
      ))}
      <dl className="grid grid-cols-2 gap-2 rounded border border-slate-200 bg-white p-4 text-sm">
        <dt>Available now</dt>
        <dd data-testid="remaining-credits">{credits.unlimited ? 'Unlimited (plan)' : credits.remaining_credits}</dd>
        {credits.unlimited && (
          <>
            <dt>From packs</dt>
            <dd>{credits.remaining_credits}</dd>
          </>
        )}
        {credits.allowance && (
          <>
            <dt>This month&apos;s allowance</dt>
            <dd>
              {credits.allowance.used} of {credits.allowance.amount} used; resets {day(credits.allowance.resets_at)}
            </dd>
          </>
        )}
        <dt>Held for stories in progress</dt>
        <dd>{credits.held_credits}</dd>
        <dt>Next pack expiry</dt>
        <dd>{day(credits.next_expiry)}</dd>
        <dt>Priority AI processing</dt>
        <dd>{credits.priority_processing ? 'Yes' : 'No'}</dd>
      </dl>
      <table className="w-full text-left text-sm">
        <caption className="text-left font-semibold">Credit grants</caption>
        <thead>
          <tr>
            <th>Source</th>
            <th>Remaining</th>
            <th>Of</th>
            <th>Expires</th>
          </tr>
        </thead>
        <tbody>
          {credits.grants.map((g) => (
            <tr key={g.id} className="border-t">
              <td>{g.source === 'plan_allowance' ? 'Monthly allowance' : (g.package_id ?? g.source)}</td>
              <td>{g.remaining}</td>
              <td>{g.amount}</td>
              <td>{day(g.expires_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="w-full text-left text-sm">
        <caption className="text-left font-semibold">Stories by member this month</caption>
        <thead>
          <tr>
            <th>Member</th>
            <th>Credits used</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.user_id} className="border-t">
              <td>{m.email}</td>
              <td data-testid={`member-usage-${m.email}`}>{m.used_this_month}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
