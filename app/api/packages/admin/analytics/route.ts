// The earlier path, kept as an alias of GET /api/packages/analytics/performance.
export { GET } from '@/app/api/packages/analytics/performance/route';
