import { withTeam } from '@/lib/api/with-team';
import { getPackage } from '@/lib/catalog';
import { packageIdParam } from '@/lib/catalog/schemas';

export const GET = withTeam<{ package_id: string }>(async (_req, { app, team, params }) => {
  const { package_id } = packageIdParam.parse(params);
  return getPackage(app, package_id, team.billingCurrency);
});
