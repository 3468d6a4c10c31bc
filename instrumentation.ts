/**
 * Runs once when a server instance starts: see lib/config/check-env-on-start.ts. The check lives in
 * its own module, imported only in the Node.js runtime, so the Edge compilation of this file never
 * sees `process.exit` (Next warned about it on every dev compile).
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const { checkEnvOnStart } = await import('./lib/config/check-env-on-start');
    checkEnvOnStart();
  }
}
