/** The process is up and serving: touches neither the database nor Stripe (load balancers, benchmark floor). */
export function GET() {
  return Response.json({ status: 'ok' }, { headers: { 'Cache-Control': 'no-store' } });
}
