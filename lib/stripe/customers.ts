import { eq, sql } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database } from '@/db/client';
import { teams, users } from '@/db/schema';
import { NotFound } from '@/lib/errors';

/**
 * The team's Stripe customer, created once: the idempotency key makes concurrent first
 * purchases on several instances end with one customer, and the row lock keeps one id.
 */
export async function ensureStripeCustomer(deps: { db: Database; stripe: Stripe }, teamId: string): Promise<string> {
  const [team] = await deps.db
    .select({ id: teams.id, name: teams.name, customer: teams.stripeCustomerId, ownerEmail: users.email })
    .from(teams)
    .innerJoin(users, eq(users.id, teams.ownerId))
    .where(eq(teams.id, teamId));
  if (!team) throw new NotFound('Team not found');
  if (team.customer) return team.customer;
  const customer = await deps.stripe.customers.create(
    { name: team.name, email: team.ownerEmail, metadata: { team_id: teamId } },
    { idempotencyKey: `team-customer-${teamId}` },
  );
  const [row] = await deps.db
    .update(teams)
    .set({ stripeCustomerId: sql`COALESCE(${teams.stripeCustomerId}, ${customer.id})` })
    .where(eq(teams.id, teamId))
    .returning({ customer: teams.stripeCustomerId });
  return row!.customer!;
}
