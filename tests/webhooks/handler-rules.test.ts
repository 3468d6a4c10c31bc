import { eq } from 'drizzle-orm';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkoutSessions,
  deferredStripeEvents,
  stripeEvents,
  subscriptions,
  teams,
  userCredits,
  userPurchases,
} from '@/db/schema';
import { upsertCatalogRows } from '@/lib/catalog/db-sync';
import { PACKAGES } from '@/lib/catalog/packages';
import { ManualClock } from '@/lib/clock';
import { createLogger } from '@/lib/logger';
import { processStripeEvent, type WebhookDeps } from '@/lib/webhooks';
import { createUserWithToken, type TestUser } from '../helpers/app';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The handlers' own rules, event by event through `processStripeEvent`, against a Stripe that answers
 * only with the objects each test puts in it (so states the local Stripe never reaches can be given:
 * a session still open or expired, an invoice paid by a non-default payment, a refund cancelled). Each
 * test checks what the handler writes and logs, and what it must not.
 */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // Prices known by id only (invoice lines name their price as an id).
  await upsertCatalogRows(
    t.db,
    PACKAGES,
    ['professional_monthly', 'business_monthly', 'business_annual'].map((packageId) => ({
      packageId,
      stripeProductId: `prod_${packageId}`,
      stripePriceId: `price_${packageId}`,
      lookupKey: `lk_${packageId}`,
    })),
  );
}, 60_000);
afterAll(async () => {
  await t?.close();
});

const CREATED = 1_790_000_000; // the events' `created`
let counter = 0;
const uid = (prefix: string) => `${prefix}_rules_${++counter}`;

/** A Stripe holding a set of objects by id; every call is recorded. */
class FakeStripe {
  readonly objects = new Map<string, unknown>();
  readonly calls: string[] = [];
  /** Session ids whose expiry fails, and how. */
  readonly expireErrors = new Map<string, Error>();
  readonly disputesByCharge = new Map<string, unknown[]>();

  put<T extends { id: string }>(obj: T): T {
    this.objects.set(obj.id, obj);
    return obj;
  }

  private get(kind: string, id: string) {
    this.calls.push(`${kind}.retrieve ${id}`);
    const obj = this.objects.get(id);
    if (!obj) throw new Error(`FakeStripe: no ${kind} ${id}`);
    return obj;
  }

  readonly api = {
    checkout: {
      sessions: {
        retrieve: async (id: string) => this.get('checkout.sessions', id),
        expire: async (id: string) => {
          this.calls.push(`checkout.sessions.expire ${id}`);
          const err = this.expireErrors.get(id);
          if (err) throw err;
          return { id, status: 'expired' };
        },
      },
    },
    subscriptions: { retrieve: async (id: string) => this.get('subscriptions', id) },
    invoices: { retrieve: async (id: string) => this.get('invoices', id) },
    charges: { retrieve: async (id: string) => this.get('charges', id) },
    paymentIntents: { retrieve: async (id: string) => this.get('paymentIntents', id) },
    refunds: { retrieve: async (id: string) => this.get('refunds', id) },
    paymentMethods: { retrieve: async (id: string) => this.get('paymentMethods', id) },
    disputes: {
      list: async (params: { charge?: string }) => {
        this.calls.push(`disputes.list ${JSON.stringify(params)}`);
        return { data: params.charge ? (this.disputesByCharge.get(params.charge) ?? []) : [] };
      },
    },
  };
}

function setup() {
  const stripe = new FakeStripe();
  const clock = new ManualClock('2026-11-20T10:00:00Z');
  const logger = createLogger({ level: 'silent' });
  const deps: WebhookDeps = { db: t.db, stripe: stripe.api as unknown as Stripe, clock, logger };
  const warn = vi.spyOn(logger, 'warn');
  const info = vi.spyOn(logger, 'info');
  const process = (type: string, object: { id: string }, created = CREATED) =>
    processStripeEvent(deps, {
      id: uid('evt'),
      object: 'event',
      type,
      created,
      data: { object },
    } as unknown as Stripe.Event);
  return { stripe, clock, deps, warn, info, process };
}

const purchasesOf = (teamId: string) => t.db.select().from(userPurchases).where(eq(userPurchases.teamId, teamId));
const packsOf = (teamId: string) => t.db.select().from(userCredits).where(eq(userCredits.teamId, teamId));
const teamRow = async (teamId: string) => (await t.db.select().from(teams).where(eq(teams.id, teamId)))[0]!;
const sessionRow = async (id: string) =>
  (await t.db.select().from(checkoutSessions).where(eq(checkoutSessions.stripeSessionId, id)))[0]!;
const messages = (spy: ReturnType<typeof vi.spyOn>) => spy.mock.calls.map((c: unknown[]) => c[1]);

async function openSessionRow(user: TestUser, id: string, mode: 'payment' | 'subscription', packageId: string) {
  await t.db.insert(checkoutSessions).values({
    stripeSessionId: id,
    teamId: user.teamId,
    userId: user.userId,
    packageId,
    mode,
    currency: mode === 'payment' ? 'gbp' : 'usd',
  });
}

/** A pack's checkout session as Stripe returns it, with its payment intent and charge expanded. */
function packSession(
  user: TestUser,
  options: {
    packageId?: string;
    status?: string;
    paymentStatus?: string;
    amountRefunded?: number;
    disputed?: boolean;
    teamInSession?: boolean;
    customer?: string | null;
  } = {},
) {
  const id = uid('cs');
  const charge = {
    id: uid('ch'),
    object: 'charge',
    payment_intent: uid('pi'),
    amount: 900,
    amount_refunded: options.amountRefunded ?? 0,
    disputed: options.disputed ?? false,
  };
  const teamInSession = options.teamInSession ?? true;
  return {
    id,
    object: 'checkout.session',
    mode: 'payment',
    status: options.status ?? 'complete',
    payment_status: options.paymentStatus ?? 'paid',
    client_reference_id: teamInSession ? user.teamId : null,
    customer: options.customer === undefined ? uid('cus') : options.customer,
    metadata: {
      package_id: options.packageId ?? 'credits_100',
      user_id: user.userId,
      ...(teamInSession ? { team_id: user.teamId } : {}),
    },
    amount_total: 900,
    currency: 'gbp',
    subscription: null,
    payment_intent: { id: charge.payment_intent, object: 'payment_intent', latest_charge: charge },
    charge,
  };
}

function subscriptionFor(user: TestUser, customer: string, extra: Record<string, unknown> = {}) {
  return {
    id: uid('sub'),
    object: 'subscription',
    customer,
    status: 'active',
    currency: 'usd',
    metadata: { team_id: user.teamId, user_id: user.userId },
    start_date: CREATED - 100,
    cancel_at_period_end: false,
    canceled_at: null,
    ended_at: null,
    trial_start: null,
    trial_end: null,
    default_payment_method: null,
    items: {
      data: [
        {
          id: uid('si'),
          quantity: 1,
          price: { id: 'price_professional_monthly', metadata: { package_id: 'professional_monthly' } },
          current_period_start: CREATED - 100,
          current_period_end: CREATED + 30 * 86_400,
        },
      ],
    },
    ...extra,
  };
}

describe('checkout.session.completed: a credit pack', () => {
  it('records the purchase (buyer, charge, payment time), grants the pack, records the session and the team, and logs', async () => {
    const { stripe, clock, warn, info, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user));
    await openSessionRow(user, session.id, 'payment', 'credits_100');
    clock.advance(5_000);

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    const [purchase, ...others] = await purchasesOf(user.teamId);
    expect(others).toEqual([]);
    expect(purchase).toMatchObject({
      userId: user.userId,
      packageId: 'credits_100',
      businessKey: `checkout:${session.id}`,
      stripeCheckoutSessionId: session.id,
      stripePaymentIntentId: session.charge.payment_intent,
      stripeChargeId: session.charge.id,
      amount: 900,
      currency: 'gbp',
      amountRefunded: 0,
      status: 'paid',
      purchasedAt: new Date(CREATED * 1000),
    });
    const packs = await packsOf(user.teamId);
    expect(packs.filter((g) => g.source === 'credit_pack')).toMatchObject([
      { userId: user.userId, packageId: 'credits_100', amount: 100, remaining: 100 },
    ]);
    expect(await sessionRow(session.id)).toMatchObject({
      status: 'complete',
      paymentStatus: 'paid',
      amountTotal: 900,
      completedAt: clock.now(),
    });
    expect(await teamRow(user.teamId)).toMatchObject({ stripeCustomerId: session.customer, billingCurrency: 'gbp' });
    expect(info).toHaveBeenCalledWith(
      { teamId: user.teamId, sessionId: session.id, mode: 'payment', packageId: 'credits_100' },
      'Processed checkout completion',
    );
    expect(messages(warn)).toEqual([]);
    // Its one retrieve: no dispute list for an undisputed charge, nothing expired.
    expect(stripe.calls).toEqual([`checkout.sessions.retrieve ${session.id}`]);
  });

  it.each([
    ['complete', 'unpaid', 'complete'],
    ['expired', 'unpaid', 'expired'],
    ['open', 'unpaid', 'open'],
  ])('a %s session %s grants nothing and records the session as %s', async (status, paymentStatus, recorded) => {
    const { stripe, clock, info, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user, { status, paymentStatus }));
    await openSessionRow(user, session.id, 'payment', 'credits_100');

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(await purchasesOf(user.teamId)).toEqual([]);
    expect((await packsOf(user.teamId)).filter((g) => g.source === 'credit_pack')).toEqual([]);
    expect(await sessionRow(session.id)).toMatchObject({
      status: recorded,
      paymentStatus: 'unpaid',
      completedAt: clock.now(),
    });
    // The customer is the team's from now on; the currency only once something is paid in it.
    expect(await teamRow(user.teamId)).toMatchObject({ stripeCustomerId: session.customer, billingCurrency: null });
    expect(messages(info)).not.toContain('Processed checkout completion');
  });

  it('finds the team by its Stripe customer when the session names no team', async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const customer = uid('cus');
    await t.db.update(teams).set({ stripeCustomerId: customer }).where(eq(teams.id, user.teamId));
    const session = stripe.put(packSession(user, { teamInSession: false, customer }));

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([{ packageId: 'credits_100', amount: 900 }]);
  });

  it('a session of no known team writes nothing and says so', async () => {
    const { stripe, warn, info, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user, { teamInSession: false }));
    await openSessionRow(user, session.id, 'payment', 'credits_100');

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(warn).toHaveBeenCalledWith({ sessionId: session.id }, 'Checkout completed for no known team');
    expect(await purchasesOf(user.teamId)).toEqual([]);
    expect(await sessionRow(session.id)).toMatchObject({ status: 'open', completedAt: null });
    expect((await teamRow(user.teamId)).stripeCustomerId).toBeNull();
    expect(messages(info)).not.toContain('Processed checkout completion');
  });

  it.each(['credits_999', 'professional_monthly', 'addon_storage'])(
    'a paid session for %s (not a credit pack) grants nothing and says so',
    async (packageId) => {
      const { stripe, warn, process } = setup();
      const user = await createUserWithToken(t.db);
      const session = stripe.put(packSession(user, { packageId }));

      expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

      expect(warn).toHaveBeenCalledWith(
        { sessionId: session.id, packageId },
        'Paid checkout for an unknown credit pack',
      );
      expect(await purchasesOf(user.teamId)).toEqual([]);
      expect((await packsOf(user.teamId)).filter((g) => g.source === 'credit_pack')).toEqual([]);
    },
  );

  it('applies the disputes Stripe lists for the charge, and only them', async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user, { disputed: true }));
    const dispute = { id: uid('dp'), charge: session.charge.id, payment_intent: session.charge.payment_intent };
    stripe.disputesByCharge.set(session.charge.id, [{ ...dispute, object: 'dispute', status: 'needs_response' }]);

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(stripe.calls).toContain(`disputes.list {"charge":"${session.charge.id}"}`);
    expect(await purchasesOf(user.teamId)).toMatchObject([{ stripeDisputeId: dispute.id, disputeStatus: 'open' }]);
    const [pack] = (await packsOf(user.teamId)).filter((g) => g.source === 'credit_pack');
    expect(pack).toMatchObject({ remaining: 0, disputeHeld: 100 });
  });

  it('grants only the unrefunded share of a charge refunded before fulfilment', async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user, { amountRefunded: 450 }));

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([{ amountRefunded: 450, status: 'partially_refunded' }]);
    const [pack] = (await packsOf(user.teamId)).filter((g) => g.source === 'credit_pack');
    expect(pack).toMatchObject({ amount: 100, remaining: 50 });
  });

  it("does not expire the team's open plan checkouts", async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const plan = uid('cs');
    await openSessionRow(user, plan, 'subscription', 'professional_monthly');
    const session = stripe.put(packSession(user));

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect((await sessionRow(plan)).status).toBe('open');
    expect(stripe.calls.filter((c) => c.startsWith('checkout.sessions.expire'))).toEqual([]);
  });
});

describe('checkout.session.completed: a plan', () => {
  function planSession(user: TestUser, options: { status?: string; paymentStatus?: string } = {}) {
    const customer = uid('cus');
    const subscription = subscriptionFor(user, customer);
    return {
      session: {
        id: uid('cs'),
        object: 'checkout.session',
        mode: 'subscription',
        status: options.status ?? 'complete',
        payment_status: options.paymentStatus ?? 'paid',
        client_reference_id: user.teamId,
        customer,
        metadata: { package_id: 'professional_monthly', team_id: user.teamId, user_id: user.userId },
        amount_total: 1000,
        currency: 'usd',
        subscription: subscription.id,
        payment_intent: null,
      },
      subscription,
    };
  }

  it("mirrors the subscription and expires the team's other open plan checkouts, and only those", async () => {
    const { stripe, warn, info, process } = setup();
    const user = await createUserWithToken(t.db);
    const other = await createUserWithToken(t.db);
    const { session, subscription } = planSession(user);
    stripe.put(session);
    stripe.put(subscription);
    const open = uid('cs');
    const completedMeanwhile = uid('cs');
    const pack = uid('cs');
    const othersPlan = uid('cs');
    await openSessionRow(user, session.id, 'subscription', 'professional_monthly');
    await openSessionRow(user, open, 'subscription', 'business_monthly');
    await openSessionRow(user, completedMeanwhile, 'subscription', 'professional_annual');
    await openSessionRow(user, pack, 'payment', 'credits_50');
    await openSessionRow(other, othersPlan, 'subscription', 'professional_monthly');
    stripe.expireErrors.set(
      completedMeanwhile,
      new Stripe.errors.StripeInvalidRequestError({ message: 'Session is complete', type: 'invalid_request_error' }),
    );

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    const [mirrored] = await t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    expect(mirrored).toMatchObject({ stripeSubscriptionId: subscription.id, packageId: 'professional_monthly' });
    expect(await teamRow(user.teamId)).toMatchObject({ stripeCustomerId: session.customer, billingCurrency: 'usd' });
    expect(stripe.calls.filter((c) => c.startsWith('checkout.sessions.expire')).sort()).toEqual(
      [`checkout.sessions.expire ${open}`, `checkout.sessions.expire ${completedMeanwhile}`].sort(),
    );
    expect(await sessionRow(session.id)).toMatchObject({ status: 'complete', paymentStatus: 'paid' });
    expect((await sessionRow(open)).status).toBe('expired');
    // Stripe refused: it completed meanwhile; its own completion handles it.
    expect((await sessionRow(completedMeanwhile)).status).toBe('open');
    expect((await sessionRow(pack)).status).toBe('open');
    expect((await sessionRow(othersPlan)).status).toBe('open');
    const expiredLogs = info.mock.calls.filter((c) => c[1] === 'Expired another open plan checkout');
    expect(expiredLogs).toEqual([
      [{ teamId: user.teamId, sessionId: open, completedId: session.id }, 'Expired another open plan checkout'],
    ]);
    expect(info).toHaveBeenCalledWith(
      { teamId: user.teamId, sessionId: session.id, mode: 'subscription', packageId: 'professional_monthly' },
      'Processed checkout completion',
    );
    // A plan is no credit pack: nothing tried to fulfil one.
    expect(messages(warn)).toEqual([]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
  });

  it('fails the event, writing nothing, when Stripe cannot expire another checkout for another reason', async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const { session, subscription } = planSession(user);
    stripe.put(session);
    stripe.put(subscription);
    const open = uid('cs');
    await openSessionRow(user, open, 'subscription', 'business_monthly');
    stripe.expireErrors.set(open, new Error('connection reset'));

    await expect(process('checkout.session.completed', { id: session.id })).rejects.toThrow('connection reset');

    expect((await sessionRow(open)).status).toBe('open');
    expect(await t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId))).toEqual([]);
  });

  it('expires nothing for a session that is settled but not complete', async () => {
    const { stripe, process } = setup();
    const user = await createUserWithToken(t.db);
    const { session, subscription } = planSession(user, { status: 'open', paymentStatus: 'no_payment_required' });
    stripe.put(session);
    stripe.put(subscription);
    const open = uid('cs');
    await openSessionRow(user, open, 'subscription', 'business_monthly');

    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');

    expect(stripe.calls.filter((c) => c.startsWith('checkout.sessions.expire'))).toEqual([]);
    expect((await sessionRow(open)).status).toBe('open');
  });
});

describe('invoice.paid', () => {
  type Payment = { status: string; is_default: boolean; payment: Record<string, string> };

  /** A team with a live plan's subscription, and an invoice of it paid with the given payments. */
  async function paidInvoice(
    stripe: FakeStripe,
    options: {
      payments?: Payment[];
      lines?: { amount: number; price: string }[];
      amountPaid?: number;
      paidAt?: number | null;
      subscription?: Record<string, unknown>;
    } = {},
  ) {
    const user = await createUserWithToken(t.db);
    const customer = uid('cus');
    const subscription = stripe.put(subscriptionFor(user, customer, options.subscription));
    const invoice = stripe.put({
      id: uid('in'),
      object: 'invoice',
      customer,
      amount_paid: options.amountPaid ?? 1000,
      currency: 'usd',
      parent: { subscription_details: { subscription: subscription.id } },
      lines: {
        data: (options.lines ?? [{ amount: 1000, price: 'price_professional_monthly' }]).map((l) => ({
          amount: l.amount,
          pricing: { price_details: { price: l.price } },
        })),
      },
      ...(options.paidAt === null ? {} : { status_transitions: { paid_at: options.paidAt ?? CREATED - 60 } }),
      payments: { data: options.payments ?? [] },
    });
    return { user, subscription, invoice };
  }

  const charge = (stripe: FakeStripe, extra: Record<string, unknown> = {}) =>
    stripe.put({
      id: uid('ch'),
      object: 'charge',
      payment_intent: uid('pi'),
      amount_refunded: 0,
      disputed: false,
      ...extra,
    });

  it('records the payment of the default paid payment, with the buyer and the time it was paid', async () => {
    const { stripe, process } = setup();
    const open = charge(stripe);
    const older = charge(stripe);
    const paid = charge(stripe);
    const intent = stripe.put({ id: paid.payment_intent as string, object: 'payment_intent', latest_charge: paid.id });
    const { user, subscription, invoice } = await paidInvoice(stripe, {
      payments: [
        { status: 'open', is_default: true, payment: { type: 'charge', charge: open.id } },
        { status: 'paid', is_default: false, payment: { type: 'charge', charge: older.id } },
        { status: 'paid', is_default: true, payment: { type: 'payment_intent', payment_intent: intent.id } },
      ],
    });

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([
      {
        userId: user.userId,
        packageId: 'professional_monthly',
        businessKey: `invoice:${invoice.id}`,
        stripeInvoiceId: invoice.id,
        stripeSubscriptionId: subscription.id,
        stripePaymentIntentId: intent.id,
        stripeChargeId: paid.id,
        amount: 1000,
        currency: 'usd',
        amountRefunded: 0,
        purchasedAt: new Date((CREATED - 60) * 1000),
      },
    ]);
  });

  it('without a default paid payment takes the first paid one (a charge), and without paid_at the event time', async () => {
    const { stripe, process } = setup();
    const open = charge(stripe);
    const paid = charge(stripe);
    const { user, invoice } = await paidInvoice(stripe, {
      paidAt: null,
      payments: [
        { status: 'open', is_default: true, payment: { type: 'charge', charge: open.id } },
        { status: 'paid', is_default: false, payment: { type: 'charge', charge: paid.id } },
      ],
    });

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([
      { stripeChargeId: paid.id, stripePaymentIntentId: paid.payment_intent, purchasedAt: new Date(CREATED * 1000) },
    ]);
    expect(stripe.calls).toContain(`charges.retrieve ${paid.id}`);
    expect(stripe.calls).not.toContain(`charges.retrieve ${open.id}`);
  });

  it('asks Stripe nothing about the payment of an invoice that took none (a trial) and records no purchase', async () => {
    const { stripe, process } = setup();
    const { user, subscription, invoice } = await paidInvoice(stripe, { amountPaid: 0, lines: [] });

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(stripe.calls).toEqual([
      `subscriptions.retrieve ${subscription.id}`,
      `subscriptions.retrieve ${subscription.id}`,
    ]);
    expect(await purchasesOf(user.teamId)).toEqual([]);
    expect(await t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId))).toHaveLength(1);
  });

  it('records the package of the first line that charged something, skipping credits and zero lines', async () => {
    const { stripe, process } = setup();
    const { user, invoice } = await paidInvoice(stripe, {
      lines: [
        { amount: -500, price: 'price_business_annual' },
        { amount: 0, price: 'price_business_monthly' },
        { amount: 1000, price: 'price_professional_monthly' },
        { amount: 1800, price: 'price_business_monthly' },
      ],
    });

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([{ packageId: 'professional_monthly' }]);
  });

  it('falls back to starter when neither a line nor the first item names a package; no buyer without metadata', async () => {
    const { stripe, process } = setup();
    const user0 = await createUserWithToken(t.db);
    const customer = uid('cus');
    await t.db.update(teams).set({ stripeCustomerId: customer }).where(eq(teams.id, user0.teamId));
    const base = subscriptionFor(user0, customer);
    const { invoice } = await paidInvoice(stripe, {
      lines: [{ amount: 1000, price: 'price_unknown' }],
      subscription: {
        customer,
        metadata: null,
        items: {
          data: [
            { ...base.items.data[0], id: uid('si'), price: { id: 'price_unknown', metadata: {} } },
            base.items.data[0],
          ],
        },
      },
    });

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(await purchasesOf(user0.teamId)).toMatchObject([{ packageId: 'starter', userId: null }]);
  });

  it('shows a refund made before it ran, and applies the charge disputes Stripe lists for that charge', async () => {
    const { stripe, process } = setup();
    const paid = charge(stripe, { amount_refunded: 400, disputed: true });
    const { user, invoice } = await paidInvoice(stripe, {
      payments: [{ status: 'paid', is_default: true, payment: { type: 'charge', charge: paid.id } }],
    });
    const dispute = {
      id: uid('dp'),
      object: 'dispute',
      status: 'lost',
      charge: paid.id,
      payment_intent: paid.payment_intent,
    };
    stripe.disputesByCharge.set(paid.id, [dispute]);

    expect(await process('invoice.paid', invoice)).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([
      { amountRefunded: 400, status: 'partially_refunded', stripeDisputeId: dispute.id, disputeStatus: 'lost' },
    ]);
    expect(stripe.calls).toContain(`disputes.list {"charge":"${paid.id}"}`);
  });
});

describe('invoice.payment_failed', () => {
  it('mirrors the subscription as Stripe has it and logs its status', async () => {
    const { stripe, warn, process } = setup();
    const user = await createUserWithToken(t.db);
    const subscription = stripe.put(subscriptionFor(user, uid('cus'), { status: 'past_due' }));
    const invoice = {
      id: uid('in'),
      object: 'invoice',
      parent: { subscription_details: { subscription: subscription.id } },
    };

    expect(await process('invoice.payment_failed', invoice)).toBe('processed');

    expect(warn).toHaveBeenCalledWith(
      { subscriptionId: subscription.id, status: 'past_due' },
      'Subscription payment failed',
    );
    const [mirrored] = await t.db.select().from(subscriptions).where(eq(subscriptions.teamId, user.teamId));
    expect(mirrored).toMatchObject({ status: 'past_due' });
  });
});

describe('charge.refund.updated', () => {
  /** A pack bought and then refunded in full: purchase refunded, credits voided. */
  async function refundedPack(stripe: FakeStripe, process: ReturnType<typeof setup>['process']) {
    const user = await createUserWithToken(t.db);
    const session = stripe.put(packSession(user));
    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');
    const refunded = stripe.put({ ...session.charge, amount_refunded: 900 });
    expect(await process('charge.refunded', refunded)).toBe('processed');
    expect(await purchasesOf(user.teamId)).toMatchObject([{ amountRefunded: 900, status: 'refunded' }]);
    return { user, charge: refunded };
  }

  it.each(['failed', 'canceled'])(
    'a %s refund gives the purchase and the credits back, and says so',
    async (status) => {
      const { stripe, warn, process } = setup();
      const { user, charge } = await refundedPack(stripe, process);
      stripe.put({ ...charge, amount_refunded: 0 });
      const refund = stripe.put({ id: uid('re'), object: 'refund', status, charge: charge.id });

      expect(await process('charge.refund.updated', refund)).toBe('processed');

      expect(await purchasesOf(user.teamId)).toMatchObject([{ amountRefunded: 0, status: 'paid' }]);
      const [pack] = (await packsOf(user.teamId)).filter((g) => g.source === 'credit_pack');
      expect(pack).toMatchObject({ remaining: 100, voidedAt: null });
      expect(warn).toHaveBeenCalledWith(
        { refundId: refund.id, chargeId: charge.id, status },
        'Refund did not go through',
      );
    },
  );

  it.each(['succeeded', 'pending', 'requires_action'])('a %s refund changes nothing', async (status) => {
    const { stripe, warn, process } = setup();
    const { user, charge } = await refundedPack(stripe, process);
    // Even if the charge's total read lower (another refund failed meanwhile: its own event restores it).
    stripe.put({ ...charge, amount_refunded: 0 });
    const refund = stripe.put({ id: uid('re'), object: 'refund', status, charge: charge.id });

    expect(await process('charge.refund.updated', refund)).toBe('processed');

    expect(await purchasesOf(user.teamId)).toMatchObject([{ amountRefunded: 900, status: 'refunded' }]);
    expect(messages(warn)).not.toContain('Refund did not go through');
  });

  it('a failed refund of a payment not recorded yet is done with: its fulfilment reads the lowered total', async () => {
    const { stripe, warn, process } = setup();
    const charge = stripe.put({ id: uid('ch'), object: 'charge', payment_intent: uid('pi'), amount_refunded: 0 });
    const refund = stripe.put({ id: uid('re'), object: 'refund', status: 'failed', charge: charge.id });

    expect(await process('charge.refund.updated', refund)).toBe('processed');

    expect(messages(warn)).toEqual([]);
    expect(await t.db.select().from(deferredStripeEvents).where(eq(deferredStripeEvents.objectId, charge.id))).toEqual(
      [],
    );
  });
});

describe('deferred events', () => {
  it('an event deferred for a payment not recorded yet is marked resolved when it finally applies', async () => {
    const { stripe, clock, deps, process } = setup();
    const user = await createUserWithToken(t.db);
    const session = packSession(user);
    const refunded = { ...session.charge, amount_refunded: 900 };
    const event = {
      id: uid('evt'),
      object: 'event',
      type: 'charge.refunded',
      created: CREATED,
      data: { object: refunded },
    } as unknown as Stripe.Event;
    stripe.put(refunded);
    await expect(processStripeEvent(deps, event)).rejects.toThrow(
      expect.objectContaining({ code: 'payment_not_recorded' }),
    );
    const deferred = () => t.db.select().from(deferredStripeEvents).where(eq(deferredStripeEvents.eventId, event.id));
    expect(await deferred()).toMatchObject([{ attempts: 1, resolvedAt: null }]);

    stripe.put(session);
    expect(await process('checkout.session.completed', { id: session.id })).toBe('processed');
    clock.advance(60_000);
    expect(await processStripeEvent(deps, event)).toBe('processed');

    expect(await deferred()).toMatchObject([{ attempts: 1, resolvedAt: clock.now(), parkedAt: null }]);
    expect(await purchasesOf(user.teamId)).toMatchObject([{ amountRefunded: 900, status: 'refunded' }]);
    expect(await t.db.select().from(stripeEvents).where(eq(stripeEvents.id, event.id))).toHaveLength(1);
  });
});
