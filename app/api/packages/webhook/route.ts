import { webhookSecret } from '@/lib/config/env';
import { readBodyText, WEBHOOK_BODY_LIMIT_BYTES } from '@/lib/http/body';
import { toErrorResponse } from '@/lib/http/error-response';
import { getAppContext } from '@/lib/server/context';
import { handleStripeWebhook } from '@/lib/webhooks';

/** Stripe's webhook: authenticated by its signature, not by a user. A 500 makes Stripe retry. */
export async function POST(req: Request) {
  const app = getAppContext();
  try {
    const outcome = await handleStripeWebhook(
      { ...app, secret: webhookSecret(app.env), retryLimit: app.env.WEBHOOK_RETRY_LIMIT, hooks: app.webhookHooks },
      await readBodyText(req, WEBHOOK_BODY_LIMIT_BYTES),
      req.headers.get('stripe-signature'),
    );
    return Response.json({ received: true, outcome });
  } catch (err) {
    return toErrorResponse(err, app.logger);
  }
}
