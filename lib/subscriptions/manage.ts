import { and, eq, inArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import { isUniqueViolation, type Database } from '@/db/client';
import { subscriptionAddons, teams } from '@/db/schema';
import { getTeamPlanState, type TeamPlanState } from '@/lib/billing/team-plan';
import { allowedOrigins, assertAllowedRedirect } from '@/lib/checkout/redirects';
import type { Env } from '@/lib/config/env';
import type { Clock } from '@/lib/clock';
import { loadCatalog } from '@/lib/catalog/queries';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import { Conflict, NotFound, PackageNotFound } from '@/lib/errors';
import type { Logger } from '@/lib/logger';
import { mirrorSubscription } from './mirror';

export interface BillingDeps {
  db: Database;
  stripe: Stripe;
  clock: Clock;
  env: Env;
  logger: Logger;
}

async function requireLivePlan(
  deps: BillingDeps,
  teamId: string,
): Promise<TeamPlanState & { stripeSubscriptionId: string }> {
  const plan = await getTeamPlanState(deps.db, teamId);
  if (!plan.stripeSubscriptionId)
    throw new Conflict('This needs a paid plan: buy Professional or Business first', 'no_paid_plan');
  return plan as TeamPlanState & { stripeSubscriptionId: string };
}

async function catalogRow(deps: BillingDeps, packageId: string, type: 'addon' | 'subscription') {
  const row = (await loadCatalog(deps.db, deps.clock.now().getTime())).find((p) => p.id === packageId);
  if (!row || row.packageType !== type || !row.stripePriceId) throw new PackageNotFound(packageId);
  return row;
}

/** Mirrors the subscription right away too, so the caller sees the result before the webhook lands. */
async function mirror(deps: BillingDeps, subscriptionId: string): Promise<void> {
  const fresh = await deps.stripe.subscriptions.retrieve(subscriptionId);
  await deps.db.transaction((tx) => mirrorSubscription(tx, deps, fresh));
}

/**
 * Adds an add-on to the team's paid subscription, charged now with proration. With
 * `error_if_incomplete` Stripe refuses the change when the payment fails, so an item that
 * exists was paid for; the add-on stays pending until the subscription shows it.
 */
export async function addAddon(
  deps: BillingDeps,
  teamId: string,
  packageId: string,
): Promise<{ package_id: string; status: string }> {
  const row = await catalogRow(deps, packageId, 'addon');
  const plan = await requireLivePlan(deps, teamId);
  const [existing] = await deps.db
    .select({ id: subscriptionAddons.id })
    .from(subscriptionAddons)
    .where(
      and(
        eq(subscriptionAddons.teamId, teamId),
        eq(subscriptionAddons.packageId, packageId),
        inArray(subscriptionAddons.status, ['pending', 'active']),
      ),
    );
  if (existing) throw new Conflict(`Your team already has ${row.name}`, 'addon_active');
  // Two requests at once both pass the check above; the partial unique index lets only one in.
  const [pending] = await deps.db
    .insert(subscriptionAddons)
    .values({ teamId, subscriptionId: plan.subscriptionId!, packageId, status: 'pending' })
    .returning({ id: subscriptionAddons.id })
    .catch((err: unknown) => {
      if (isUniqueViolation(err, 'subscription_addons_one_live'))
        throw new Conflict(`Your team already has ${row.name}`, 'addon_active');
      throw err;
    });
  try {
    await deps.stripe.subscriptionItems.create(
      {
        subscription: plan.stripeSubscriptionId,
        price: row.stripePriceId!,
        quantity: 1,
        proration_behavior: 'always_invoice',
        payment_behavior: 'error_if_incomplete',
        metadata: { team_id: teamId, package_id: packageId },
      },
      { idempotencyKey: `addon-${pending!.id}` },
    );
  } catch (err) {
    // Stripe refused (a declined card answers 402 through the error mapper): nothing was added.
    await deps.db.delete(subscriptionAddons).where(eq(subscriptionAddons.id, pending!.id));
    throw err;
  }
  await mirror(deps, plan.stripeSubscriptionId);
  const [after] = await deps.db
    .select({ status: subscriptionAddons.status })
    .from(subscriptionAddons)
    .where(eq(subscriptionAddons.id, pending!.id));
  return { package_id: packageId, status: after?.status ?? 'pending' };
}

export async function removeAddon(
  deps: BillingDeps,
  teamId: string,
  packageId: string,
): Promise<{ package_id: string; status: 'removed' }> {
  const [addon] = await deps.db
    .select()
    .from(subscriptionAddons)
    .where(
      and(
        eq(subscriptionAddons.teamId, teamId),
        eq(subscriptionAddons.packageId, packageId),
        eq(subscriptionAddons.status, 'active'),
      ),
    );
  if (!addon?.stripeSubscriptionItemId)
    throw new NotFound(`Your team does not have the add-on '${packageId}'`, 'addon_not_found');
  const plan = await requireLivePlan(deps, teamId);
  try {
    await deps.stripe.subscriptionItems.del(addon.stripeSubscriptionItemId, {
      proration_behavior: 'create_prorations',
    });
  } catch (err) {
    // Already gone from Stripe (removed in the billing portal, or a retried DELETE): the goal is met.
    if ((err as { code?: string }).code !== 'resource_missing') throw err;
    deps.logger.info({ teamId, packageId }, 'Add-on was already removed in Stripe');
  }
  await mirror(deps, plan.stripeSubscriptionId);
  return { package_id: packageId, status: 'removed' };
}

export type SubscriptionAction =
  { action: 'change_plan'; package_id: string } | { action: 'cancel' } | { action: 'resume' };

/** Plan changes with proration, cancellation at period end, and resuming. */
export async function changeSubscription(
  deps: BillingDeps,
  teamId: string,
  request: SubscriptionAction,
): Promise<TeamPlanState> {
  const plan = await requireLivePlan(deps, teamId);
  if (request.action === 'cancel' || request.action === 'resume') {
    await deps.stripe.subscriptions.update(plan.stripeSubscriptionId, {
      cancel_at_period_end: request.action === 'cancel',
    });
  } else {
    if (request.package_id === 'starter')
      throw new Conflict('To go back to Starter, cancel your plan at the end of its period', 'use_cancel');
    const target = await catalogRow(deps, request.package_id, 'subscription');
    if (target.id === plan.packageId) throw new Conflict(`Your team is already on ${target.name}`, 'same_plan');
    const current = await deps.stripe.subscriptions.retrieve(plan.stripeSubscriptionId);
    let planItem: Stripe.SubscriptionItem | undefined;
    for (const item of current.items.data) {
      if ((await packageForPrice(deps.db, item.price))?.packageType === 'subscription') planItem = item;
    }
    if (!planItem) throw new Conflict('The subscription has no plan item to change', 'no_plan_item');
    // error_if_incomplete: a declined card leaves the subscription as it was, and the card error
    // reaches the client as 402 card_declined with Stripe's message (lib/http/error-response.ts).
    await deps.stripe.subscriptions.update(plan.stripeSubscriptionId, {
      items: [{ id: planItem.id, price: target.stripePriceId! }],
      proration_behavior: 'always_invoice',
      payment_behavior: 'error_if_incomplete',
      cancel_at_period_end: false,
    });
  }
  await mirror(deps, plan.stripeSubscriptionId);
  return getTeamPlanState(deps.db, teamId);
}

export async function createPortalSession(
  deps: BillingDeps,
  teamId: string,
  returnUrl: string,
): Promise<{ url: string }> {
  assertAllowedRedirect('return_url', returnUrl, allowedOrigins(deps.env.APP_URL, deps.env.REDIRECT_ALLOWLIST));
  const [team] = await deps.db.select({ customer: teams.stripeCustomerId }).from(teams).where(eq(teams.id, teamId));
  if (!team?.customer)
    throw new Conflict('Your team has no billing account yet: buy a plan or a pack first', 'no_customer');
  const session = await deps.stripe.billingPortal.sessions.create({ customer: team.customer, return_url: returnUrl });
  return { url: session.url };
}
