import { withTeam } from '@/lib/api/with-team';
import { commit } from '@/lib/credits';
import { reservationParams } from '@/lib/credits/schemas';

export const POST = withTeam<{ reservation_id: string }>(async (_req, { app, team, params }) => {
  const { reservation_id } = reservationParams.parse(params);
  return commit(app, team.id, reservation_id);
});
