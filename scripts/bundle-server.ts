import { build } from 'esbuild';

/**
 * Compiles the server entry (`scripts/server.ts` and the few `lib/http` modules it imports) to one
 * plain JavaScript file next to Next's build, so `npm start` runs on Node alone: no TypeScript
 * loader hooked into every module Next loads, and no esbuild service process beside the server.
 * Packages (`next`) stay imports, resolved from node_modules at run time.
 */
export const SERVER_BUNDLE = '.next/agileforge-server.mjs';

export async function bundleServer(): Promise<void> {
  await build({
    entryPoints: ['scripts/server.ts'],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    packages: 'external',
    logLevel: 'warning',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await bundleServer();
