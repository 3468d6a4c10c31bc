import type { Metadata } from 'next';
import Link from 'next/link';
import { CancelResume } from '@/components/billing/cancel-resume';
import { PortalButton } from '@/components/billing/portal-button';
import { PreviewChangeDialog } from '@/components/billing/preview-change-dialog';
import { day, money } from '@/components/pricing/format';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '@/components/ui/card';
import { LinkTabs } from '@/components/ui/tabs';
import { requireUser } from '@/lib/auth/session';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { billingStanding } from '@/lib/purchases';
import { PACKAGES, findPackage, type Currency } from '@/lib/catalog/packages';
import { getAppContext } from '@/lib/server/context';
import { roleAtLeast } from '@/lib/teams';
import { teamPricingContext } from '@/lib/pricing';

export const metadata: Metadata = { title: 'Billing' };

const STATUS: Record<string, { label: string; variant: 'success' | 'warning' | 'destructive' | 'secondary' }> = {
  active: { label: 'Active', variant: 'success' },
  trialing: { label: 'Trial', variant: 'secondary' },
  past_due: { label: 'Past due', variant: 'destructive' },
};

const PLAN_CHOICES = ['professional_monthly', 'professional_annual', 'business_monthly', 'business_annual'];

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{ plan?: string; addon?: string; interval?: string }>;
}) {
  const params = await searchParams;
  const user = await requireUser('/account/billing');
  if (!user.team) return <main className="p-10">You are not in a team.</main>;
  const app = getAppContext();
  const [plan, pricing, standing] = await Promise.all([
    getTeamPlanState(app.db, user.team.id),
    teamPricingContext(app.db, user.team.id),
    billingStanding(app.db, user.team.id),
  ]);
  const canManage = roleAtLeast(user.team.role, 'admin');
  const planPkg = findPackage(plan.packageId);
  const planName = planPkg?.name ?? plan.packageId;
  const currency = (plan.currency ?? pricing.billingCurrency ?? 'usd') as Currency;
  const paid = plan.stripeSubscriptionId !== null;
  // The plans to change to, by billing period: the one asked for, else the one of the plan chosen
  // on /pricing, else the team's own.
  const changeTab =
    params.interval === 'annual'
      ? 'year'
      : params.interval === 'monthly'
        ? 'month'
        : ((params.plan && findPackage(params.plan)?.interval) ?? planPkg?.interval) === 'year'
          ? 'year'
          : 'month';
  const status = plan.status ? (STATUS[plan.status] ?? { label: plan.status, variant: 'secondary' as const }) : null;
  const addons = PACKAGES.filter((p) => p.packageType === 'addon');

  return (
    <main id="main" className="mx-auto max-w-4xl space-y-6 px-4 py-10">
      <div>
        <h1 className="text-2xl font-bold">Billing</h1>
        <p className="text-sm text-muted-foreground">
          {user.team.name}
          {canManage ? '' : ' · only owners and admins can change billing'}
        </p>
      </div>

      {plan.status === 'past_due' && (
        <Alert variant="destructive" role="alert" title="Your last payment failed">
          <p>
            Stripe will retry the card over the next days; your team keeps {planName} meanwhile. Update your card to
            keep the plan.
          </p>
          {canManage && (
            <div className="mt-2">
              <PortalButton label="Update card" />
            </div>
          )}
        </Alert>
      )}
      {standing.disputed && (
        <Alert variant="destructive" role="alert" title="Disputed" data-testid="billing-disputed">
          <p>Your bank has disputed a payment for this plan. Contact support to resolve it.</p>
        </Alert>
      )}

      <Card>
        <CardHeader>
          <div className="flex flex-wrap items-center gap-2">
            <CardTitle>Current plan</CardTitle>
            {status && <Badge variant={status.variant}>{status.label}</Badge>}
            {plan.cancelAtPeriodEnd && <Badge variant="warning">Cancelling</Badge>}
          </div>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-muted-foreground">Plan</dt>
            <dd className="font-semibold" data-testid="billing-plan">
              {planName}
            </dd>
            <dt className="text-muted-foreground">Status</dt>
            <dd data-testid="billing-status">
              {standing.disputed
                ? 'Disputed'
                : plan.status === 'trialing' && plan.trialEnd
                  ? `Trial until ${day(plan.trialEnd)}`
                  : plan.status === 'past_due'
                    ? 'Past due: payment failed'
                    : plan.status === 'active'
                      ? 'Active'
                      : 'Free plan'}
            </dd>
            {plan.currentPeriodEnd && (
              <>
                <dt className="text-muted-foreground">{plan.cancelAtPeriodEnd ? 'Ends on' : 'Renews on'}</dt>
                <dd data-testid="billing-period-end">{day(plan.currentPeriodEnd)}</dd>
              </>
            )}
            <dt className="text-muted-foreground">Price</dt>
            <dd className="tabular-nums">
              {planPkg?.prices[currency] !== undefined
                ? `${money(planPkg.prices[currency]!, currency)} / ${planPkg.interval === 'year' ? 'year' : 'month'}`
                : 'Free'}
            </dd>
            <dt className="text-muted-foreground">Billing currency</dt>
            <dd>{pricing.billingCurrency ? pricing.billingCurrency.toUpperCase() : 'Set by your first purchase'}</dd>
            <dt className="text-muted-foreground">Add-ons</dt>
            <dd data-testid="billing-addons">
              {plan.addons.length ? plan.addons.map((a) => findPackage(a)?.name ?? a).join(', ') : 'None'}
            </dd>
          </dl>
        </CardContent>
        {canManage && (
          <CardFooter>
            {paid ? (
              <CancelResume
                planName={planName}
                cancelling={plan.cancelAtPeriodEnd}
                periodEnd={plan.currentPeriodEnd?.toISOString() ?? null}
              />
            ) : (
              <Button asChild size="sm">
                <Link href="/pricing">Choose a plan</Link>
              </Button>
            )}
            {pricing.billingCurrency && <PortalButton />}
          </CardFooter>
        )}
      </Card>

      {paid && canManage && (
        <Card>
          <CardHeader>
            <CardTitle>Change plan</CardTitle>
            <CardDescription>
              Changes take effect now. You see the prorated charge (or credit) before you confirm.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <LinkTabs
              label="Billing period"
              value={changeTab}
              tabs={(['month', 'year'] as const).map((interval) => ({
                value: interval,
                label: interval === 'year' ? 'Annual' : 'Monthly',
                href: `/account/billing?interval=${interval === 'year' ? 'annual' : 'monthly'}`,
                panel: (
                  <ul className="divide-y divide-border">
                    {PLAN_CHOICES.filter((id) => id !== plan.packageId && findPackage(id)!.interval === interval).map(
                      (id) => {
                        const pkg = findPackage(id)!;
                        const amount = pkg.prices[currency];
                        return (
                          <li key={id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                            <div>
                              <p className="font-medium">{pkg.name}</p>
                              <p className="text-sm text-muted-foreground tabular-nums">
                                {amount !== undefined ? money(amount, currency) : '—'} / {pkg.interval}
                              </p>
                            </div>
                            <PreviewChangeDialog
                              action="change_plan"
                              packageId={id}
                              packageName={pkg.name}
                              triggerLabel={`Switch to ${pkg.name}`}
                              title={`Switch to ${pkg.name}?`}
                              done={`Your team is now on ${pkg.name}`}
                              defaultOpen={params.plan === id}
                            />
                          </li>
                        );
                      },
                    )}
                  </ul>
                ),
              }))}
            />
          </CardContent>
        </Card>
      )}

      <Card>
        <CardHeader>
          <CardTitle>Add-ons</CardTitle>
          <CardDescription>
            {paid
              ? 'Monthly extras on your plan, charged prorated when added; removing one credits the unused time.'
              : 'Add-ons need a paid plan (Professional or Business).'}
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ul className="divide-y divide-border">
            {addons.map((addon) => {
              const held = plan.addons.includes(addon.id);
              const amount = addon.prices[currency];
              return (
                <li key={addon.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                  <div>
                    <p className="flex items-center gap-2 font-medium">
                      {addon.name} {held && <Badge variant="success">On your plan</Badge>}
                    </p>
                    <p className="text-sm text-muted-foreground">
                      {addon.description} ·{' '}
                      <span className="tabular-nums">{amount !== undefined ? money(amount, currency) : '—'}</span> /
                      month
                    </p>
                  </div>
                  {paid && canManage && (
                    <PreviewChangeDialog
                      action={held ? 'remove_addon' : 'add_addon'}
                      packageId={addon.id}
                      packageName={addon.name}
                      triggerLabel={held ? `Remove ${addon.name}` : `Add ${addon.name}`}
                      title={held ? `Remove ${addon.name}?` : `Add ${addon.name}?`}
                      done={held ? `${addon.name} removed` : `${addon.name} added`}
                      variant={held ? 'outline' : 'default'}
                      defaultOpen={!held && params.addon === addon.id}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        </CardContent>
      </Card>

      <p className="flex flex-wrap gap-4 text-sm">
        <Link className="underline" href="/account/purchases">
          Purchase history
        </Link>
        <Link className="underline" href="/account/credits">
          Credits
        </Link>
        <Link className="underline" href="/pricing">
          Plans and packs
        </Link>
      </p>
    </main>
  );
}
