import Link from 'next/link';
import { PortalButton } from '@/components/billing/portal-button';
import { requireUser } from '@/lib/auth/session';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { billingStanding } from '@/lib/purchases';
import { findPackage } from '@/lib/catalog';
import { getAppContext } from '@/lib/server/context';
import { roleAtLeast } from '@/lib/teams';

export default async function BillingPage() {
  const user = await requireUser('/account/billing');
  if (!user.team) return <main className="p-10">You are not in a team.</main>;
  const db = getAppContext().db;
  const [plan, standing] = await Promise.all([getTeamPlanState(db, user.team.id), billingStanding(db, user.team.id)]);
  const canManage = roleAtLeast(user.team.role, 'admin');
  return (
    <main className="mx-auto max-w-3xl space-y-6 px-4 py-10">
      <h1 className="text-2xl font-bold">Billing</h1>
      {plan.status === 'past_due' && (
        <p role="alert" className="rounded bg-red-50 p-3 text-sm text-red-900">
          Your last payment failed. Update your card in the billing portal to keep your plan.
        </p>
      )}
      {standing.disputed && (
        <p role="alert" data-testid="billing-disputed" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          Disputed: your bank has disputed a payment for this plan. Contact support to resolve it.
        </p>
      )}
      <dl className="grid grid-cols-2 gap-2 rounded border border-slate-200 bg-white p-4 text-sm">
        <dt>Plan</dt>
        <dd data-testid="billing-plan">{findPackage(plan.packageId)?.name ?? plan.packageId}</dd>
        <dt>Status</dt>
        <dd>{standing.disputed ? 'disputed' : (plan.status ?? 'free')}</dd>
        {plan.currentPeriodEnd && (
          <>
            <dt>{plan.cancelAtPeriodEnd ? 'Ends on' : 'Renews on'}</dt>
            <dd>{plan.currentPeriodEnd.toISOString().slice(0, 10)}</dd>
          </>
        )}
        <dt>Add-ons</dt>
        <dd>{plan.addons.length ? plan.addons.map((a) => findPackage(a)?.name ?? a).join(', ') : 'None'}</dd>
      </dl>
      {canManage ? (
        <PortalButton />
      ) : (
        <p className="text-sm text-slate-600">Only owners and admins can change billing.</p>
      )}
      <p className="text-sm">
        <Link className="underline" href="/account/purchases">
          Purchase history
        </Link>{' '}
        ·{' '}
        <Link className="underline" href="/account/credits">
          Credits
        </Link>{' '}
        ·{' '}
        <Link className="underline" href="/">
          Plans and packs
        </Link>
      </p>
    </main>
  );
}
