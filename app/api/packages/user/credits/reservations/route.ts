import { readJson, withTeam } from '@/lib/api/with-team';
import { reserve } from '@/lib/credits';
import { reserveBody } from '@/lib/credits/schemas';

export const POST = withTeam(async (req, { app, team, user }) => {
  const body = reserveBody.parse(await readJson(req));
  const held = await reserve(app, team.id, body.amount, body.reference_id, {
    creditType: body.credit_type,
    userId: user.id,
  });
  return Response.json(held, { status: held.replayed ? 200 : 201 });
});
