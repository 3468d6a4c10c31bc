import { withTeam } from '@/lib/api/with-team';
import { getTeamEntitlements } from '@/lib/entitlements';

export const GET = withTeam(async (_req, { app, team }) => getTeamEntitlements(app, team.id));
