import { withTeam } from '@/lib/api/with-team';
import { listPackages } from '@/lib/catalog';

export const GET = withTeam(async (_req, { app, team }) =>
  listPackages(app, { packageType: 'subscription', teamCurrency: team.billingCurrency }),
);
