import { withTeam } from '@/lib/api/with-team';
import { getCheckoutStatus } from '@/lib/checkout';
import { checkoutStatusParams } from '@/lib/checkout/schemas';

/** Polled by the return page until the webhook has fulfilled the purchase. */
export const GET = withTeam<{ session_id: string }>(async (_req, { app, team, params }) => {
  const { session_id } = checkoutStatusParams.parse(params);
  const status = await getCheckoutStatus(app, team.id, session_id);
  return Response.json(status, { headers: { 'Cache-Control': 'no-store' } });
});
