import { withTeam } from '@/lib/api/with-team';
import { removeAddon } from '@/lib/subscriptions/manage';
import { addonParams } from '@/lib/subscriptions/schemas';

export const DELETE = withTeam<{ package_id: string }>(
  async (_req, { app, team, params }) => {
    const { package_id } = addonParams.parse(params);
    return removeAddon(app, team.id, package_id);
  },
  { minRole: 'admin' },
);
