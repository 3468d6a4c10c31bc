import { readJson, withTeam } from '@/lib/api/with-team';
import { previewChange } from '@/lib/subscriptions/preview';
import { previewBody } from '@/lib/subscriptions/schemas';

/** The prorated charge (or credit) of a plan change or add-on, before the customer confirms it. */
export const POST = withTeam(
  async (req, { app, team }) => previewChange(app, team.id, previewBody.parse(await readJson(req))),
  { minRole: 'admin' },
);
