/**
 * Runs once when a server instance starts: an unusable or unsafe environment (see
 * lib/config/env.ts) stops the process here, with every problem named, instead of at the first request.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs' || process.env.NEXT_PHASE === 'phase-production-build') return;
  const { getEnv, InvalidEnvironment } = await import('./lib/config/env');
  try {
    getEnv();
  } catch (err) {
    if (!(err instanceof InvalidEnvironment)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
