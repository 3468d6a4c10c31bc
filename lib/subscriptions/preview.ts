import 'server-only';
import { and, eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { z } from 'zod';
import { subscriptionAddons } from '@/db/schema';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { loadCatalog } from '@/lib/catalog/queries';
import { packageForPrice } from '@/lib/catalog/price-lookup';
import { Conflict, NotFound, PackageNotFound } from '@/lib/errors';
import type { BillingDeps } from './manage';
import type { previewBody, previewSchema } from './schemas';

export type PreviewRequest = z.infer<typeof previewBody>;
export type ChangePreview = z.infer<typeof previewSchema>;

/**
 * What a plan change or an add-on would cost before the customer confirms it: Stripe's invoice
 * preview (`invoices.createPreview`) for the same items and proration behaviour that
 * `lib/subscriptions/manage` then uses, so the amount shown is the amount charged.
 */
export async function previewChange(
  deps: BillingDeps,
  teamId: string,
  request: PreviewRequest,
): Promise<ChangePreview> {
  const plan = await getTeamPlanState(deps.db, teamId);
  if (!plan.stripeSubscriptionId)
    throw new Conflict('This needs a paid plan: buy Professional or Business first', 'no_paid_plan');
  const type = request.action === 'change_plan' ? 'subscription' : 'addon';
  const row = (await loadCatalog(deps.db, deps.clock.now().getTime())).find((p) => p.id === request.package_id);
  if (!row || row.packageType !== type || !row.stripePriceId) throw new PackageNotFound(request.package_id);
  const sub = await deps.stripe.subscriptions.retrieve(plan.stripeSubscriptionId);
  const { items, proration } = await itemChanges(deps, teamId, sub, request, row.stripePriceId, plan.packageId);
  const now = deps.clock.now();
  const invoice = await deps.stripe.invoices.createPreview({
    customer: typeof sub.customer === 'string' ? sub.customer : sub.customer.id,
    subscription: sub.id,
    // Prorated as of Stripe's own now, as the change itself will be moments later.
    subscription_details: { items, proration_behavior: proration },
  });
  const credits = invoice.total < 0;
  return {
    action: request.action,
    package_id: request.package_id,
    currency: invoice.currency,
    total: invoice.total,
    amount_due: credits ? 0 : invoice.amount_due,
    effective_at: now.toISOString(),
    lines: invoice.lines.data.map((l) => ({
      description: l.description ?? '',
      amount: l.amount,
      proration: l.parent?.subscription_item_details?.proration ?? false,
    })),
  };
}

async function itemChanges(
  deps: BillingDeps,
  teamId: string,
  sub: Stripe.Subscription,
  request: PreviewRequest,
  priceId: string,
  currentPlan: string,
): Promise<{
  items: Stripe.InvoiceCreatePreviewParams.SubscriptionDetails.Item[];
  proration: 'always_invoice';
}> {
  if (request.action === 'change_plan') {
    if (request.package_id === currentPlan) throw new Conflict('Your team is already on this plan', 'same_plan');
    let planItem: Stripe.SubscriptionItem | undefined;
    for (const item of sub.items.data) {
      if ((await packageForPrice(deps.db, item.price))?.packageType === 'subscription') planItem = item;
    }
    if (!planItem) throw new Conflict('The subscription has no plan item to change', 'no_plan_item');
    return { items: [{ id: planItem.id, price: priceId }], proration: 'always_invoice' };
  }
  if (request.action === 'add_addon') {
    return { items: [{ price: priceId, quantity: 1 }], proration: 'always_invoice' };
  }
  const [addon] = await deps.db
    .select({ itemId: subscriptionAddons.stripeSubscriptionItemId })
    .from(subscriptionAddons)
    .where(
      and(
        eq(subscriptionAddons.teamId, teamId),
        eq(subscriptionAddons.packageId, request.package_id),
        eq(subscriptionAddons.status, 'active'),
      ),
    );
  if (!addon?.itemId)
    throw new NotFound(`Your team does not have the add-on '${request.package_id}'`, 'addon_not_found');
  // removeAddon leaves the unused time as a credit for the next invoice; previewing it as billed
  // now shows exactly that credit, without the next renewal around it.
  return { items: [{ id: addon.itemId, deleted: true }], proration: 'always_invoice' };
}
