import { withTeam } from '@/lib/api/with-team';
import { release } from '@/lib/credits';
import { reservationParams } from '@/lib/credits/schemas';

export const POST = withTeam<{ reservation_id: string }>(async (_req, { app, team, params }) => {
  const { reservation_id } = reservationParams.parse(params);
  return release(app, team.id, reservation_id);
});
