import { z } from 'zod';
import { performanceQuery, performanceReport } from '@/lib/analytics';
import { analyticsTables, csvFilename, TABLE_IDS, toCsv } from '@/lib/analytics/tables';
import { queryOf, withTeam } from '@/lib/api/with-team';

const exportQuery = performanceQuery.extend({
  table: z.enum(TABLE_IDS, { message: `table must be one of ${TABLE_IDS.join(', ')}` }),
});

/** One dashboard table as CSV: `?table=packages&from=…&to=…&currency=…`. */
export const GET = withTeam(
  async (req, { app }) => {
    const { table: id, ...query } = exportQuery.parse(queryOf(req));
    const report = await performanceReport(app, query);
    const table = analyticsTables(report).find((t) => t.id === id)!;
    return new Response(toCsv(table), {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${csvFilename(id, report.range, report.currency)}"`,
        'cache-control': 'no-store',
      },
    });
  },
  { platformAdmin: true },
);
