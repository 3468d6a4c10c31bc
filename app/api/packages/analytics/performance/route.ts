import { performanceQuery, performanceReport } from '@/lib/analytics';
import { queryOf, withTeam } from '@/lib/api/with-team';

export const GET = withTeam(async (req, { app }) => performanceReport(app, performanceQuery.parse(queryOf(req))), {
  platformAdmin: true,
});
