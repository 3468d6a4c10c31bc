import { readJson, withTeam } from '@/lib/api/with-team';
import { getTeamPlanState } from '@/lib/billing/team-plan';
import { changeSubscription } from '@/lib/subscriptions/manage';
import { presentPlanState } from '@/lib/subscriptions/present';
import { subscriptionActionBody } from '@/lib/subscriptions/schemas';

export const GET = withTeam(async (_req, { app, team }) => presentPlanState(await getTeamPlanState(app.db, team.id)));

export const POST = withTeam(
  async (req, { app, team }) => {
    const body = subscriptionActionBody.parse(await readJson(req));
    return presentPlanState(await changeSubscription(app, team.id, body));
  },
  { minRole: 'admin' },
);
