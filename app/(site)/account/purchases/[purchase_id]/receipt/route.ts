import { z } from 'zod';
import { currentUser } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { receiptUrl } from '@/lib/purchases/receipt';
import { getAppContext } from '@/lib/server/context';

const params = z.object({ purchase_id: z.uuid() });

/** Sends the customer to Stripe's receipt (or hosted invoice) for one of their team's purchases. */
export async function GET(request: Request, route: { params: Promise<{ purchase_id: string }> }) {
  const user = await currentUser();
  if (!user) {
    const back = new URL(request.url).pathname;
    return Response.redirect(new URL(`/signin?callbackUrl=${encodeURIComponent(back)}`, request.url), 303);
  }
  const parsed = params.safeParse(await route.params);
  if (!parsed.success || !user.team) return new Response('No such purchase', { status: 404 });
  const app = getAppContext();
  try {
    return Response.redirect(await receiptUrl(app, user.team.id, parsed.data.purchase_id), 303);
  } catch (err) {
    if (err instanceof AppError) return new Response(err.message, { status: err.status });
    app.logger.error({ err }, 'Receipt lookup failed');
    return new Response('Stripe did not answer; try again in a moment', { status: 503 });
  }
}
