import { getEnv, InvalidEnvironment } from './env';

/**
 * Node.js only (instrumentation.ts imports it in the nodejs runtime): an unusable or unsafe
 * environment stops the process at start-up, with every problem named, instead of at the first request.
 */
export function checkEnvOnStart(): void {
  try {
    getEnv();
  } catch (err) {
    if (!(err instanceof InvalidEnvironment)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}
