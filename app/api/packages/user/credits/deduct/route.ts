import { readJson, withTeam } from '@/lib/api/with-team';
import { deductCredit } from '@/lib/credits';
import { deductBody } from '@/lib/credits/schemas';

export const POST = withTeam(async (req, { app, team, user }) => {
  const body = deductBody.parse(await readJson(req));
  return deductCredit(app, team.id, body.credit_type, body.amount, body.reference_id, user.id);
});
