import { checkReadiness } from '@/lib/health';
import { toErrorResponse } from '@/lib/http/error-response';
import { getAppContext } from '@/lib/server/context';

/** Ready to take requests: the database and Stripe are reachable; 503 with what is not, otherwise. */
export async function GET() {
  let app;
  try {
    app = getAppContext();
  } catch (err) {
    return toErrorResponse(err);
  }
  const readiness = await checkReadiness(app);
  if (readiness.status !== 'ok') app.logger.warn({ checks: readiness.checks }, 'Not ready');
  return Response.json(readiness, {
    status: readiness.status === 'ok' ? 200 : 503,
    headers: { 'Cache-Control': 'no-store', ...(readiness.status === 'ok' ? {} : { 'Retry-After': '5' }) },
  });
}
