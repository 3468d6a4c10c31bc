import { sql } from 'drizzle-orm';
import { toErrorResponse } from '@/lib/http/error-response';
import { getAppContext } from '@/lib/server/context';

/** Liveness and database reachability, for load balancers and the test harness. */
export async function GET() {
  const app = getAppContext();
  try {
    await app.db.execute(sql`SELECT 1`);
    return Response.json({ status: 'ok' });
  } catch (err) {
    return toErrorResponse(err, app.logger);
  }
}
