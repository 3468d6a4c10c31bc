import { readJson, withTeam } from '@/lib/api/with-team';
import { createPortalSession } from '@/lib/subscriptions/manage';
import { portalBody } from '@/lib/subscriptions/schemas';

export const POST = withTeam(
  async (req, { app, team }) => {
    const body = portalBody.parse(await readJson(req));
    return createPortalSession(app, team.id, body.return_url);
  },
  { minRole: 'admin' },
);
