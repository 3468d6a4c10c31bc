import { withTeam } from '@/lib/api/with-team';
import { getCredits } from '@/lib/credits';

export const GET = withTeam(async (_req, { app, team }) => getCredits(app, team.id));
