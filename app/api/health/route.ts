/** An alias of /api/health/ready, kept for existing probes. */
export { GET } from './ready/route';
