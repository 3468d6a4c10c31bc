import { readJson, withTeam } from '@/lib/api/with-team';
import { createCheckout } from '@/lib/checkout';
import { checkoutBody } from '@/lib/checkout/schemas';
import { RATE_LIMITS } from '@/lib/rate-limit';

export const POST = withTeam(
  async (req, { app, team, user }) => {
    const body = checkoutBody.parse(await readJson(req));
    const session = await createCheckout(app, {
      teamId: team.id,
      userId: user.id,
      packageId: body.package_id,
      successUrl: body.success_url,
      cancelUrl: body.cancel_url,
      trialDays: body.trial_days,
      currency: body.currency,
      idempotencyKey: req.headers.get('idempotency-key'),
    });
    return Response.json(session, { status: 201 });
  },
  { minRole: 'admin', rateLimit: RATE_LIMITS.checkout },
);
