import { queryOf, withTeam } from '@/lib/api/with-team';
import { listPackages } from '@/lib/catalog';
import { listPackagesQuery } from '@/lib/catalog/schemas';

export const GET = withTeam(async (req, { app, team }) => {
  const query = listPackagesQuery.parse(queryOf(req));
  return listPackages(app, { packageType: query.package_type, teamCurrency: team.billingCurrency });
});
