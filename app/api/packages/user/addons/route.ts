import { readJson, withTeam } from '@/lib/api/with-team';
import { addAddon } from '@/lib/subscriptions/manage';
import { addonBody } from '@/lib/subscriptions/schemas';

export const POST = withTeam(
  async (req, { app, team }) => {
    const body = addonBody.parse(await readJson(req));
    return Response.json(await addAddon(app, team.id, body.package_id), { status: 201 });
  },
  { minRole: 'admin' },
);
