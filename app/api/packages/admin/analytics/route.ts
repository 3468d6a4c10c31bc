import { packagePerformanceReport } from '@/lib/analytics';
import { withTeam } from '@/lib/api/with-team';

export const GET = withTeam(async (_req, { app }) => ({ packages: await packagePerformanceReport(app.db) }), {
  platformAdmin: true,
});
