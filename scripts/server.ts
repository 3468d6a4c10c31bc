import { createServer } from 'node:http';
import { parseArgs } from 'node:util';

/**
 * The app's server entry (`npm start`; `npm run dev` and the end-to-end server use it too): Next's
 * request handler behind a plain Node HTTP server that passes each connection's own address to
 * the app in a header it always overwrites. Next's route handlers cannot see the socket, and with
 * no trusted proxy (TRUSTED_PROXY_HOPS=0) that address is the only client address nobody can forge.
 *
 *   tsx scripts/server.ts [--dev] [-p PORT] [-H HOST]
 */
const { values } = parseArgs({
  options: { dev: { type: 'boolean' }, port: { type: 'string', short: 'p' }, hostname: { type: 'string', short: 'H' } },
});
const dev = values.dev === true;
const port = Number(values.port ?? process.env.PORT ?? 3000);
// Listens on every interface unless -H names one; Next builds request URLs from `hostname`.
const listenOn = values.hostname;
const hostname = listenOn ?? 'localhost';
(process.env as Record<string, string>).NODE_ENV ??= dev ? 'development' : 'production';
// Read by lib/config/env.ts: only a process started here may trust the socket-address header.
process.env.AGILEFORGE_SERVER_ENTRY = '1';

const { default: next } = await import('next');
const { withSocketAddress } = await import('../lib/http/server-entry');
const { createPricingFront } = await import('../lib/http/pricing-front');
// A plain exit on SIGTERM/SIGINT, so exit hooks run (e.g. the CPU profile of `node --cpu-prof`).
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
const app = next({ dev, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
// In production the signed-out pricing page is answered from memory (lib/http/pricing-front.ts);
// in development pages change as they are edited, so every request goes to Next.
const front = dev ? undefined : createPricingFront();
const listener = withSocketAddress((req, res) => void handle(req, res));
const server = createServer(front ? front.wrap(listener) : listener);
server.listen(port, listenOn, () => {
  console.log(`> AgileForge on http://${hostname}:${port} (${dev ? 'development' : 'production'})`);
  if (!front) return;
  const self = !listenOn || listenOn === '0.0.0.0' || listenOn === '::' ? '127.0.0.1' : listenOn;
  front.capture(`http://${self.includes(':') ? `[${self}]` : self}:${port}`).then(
    ({ kept, of }) =>
      kept < of && console.warn(`> pricing page: ${kept} of ${of} variants kept in memory, the rest rendered by Next`),
    (err: unknown) => console.warn(`> pricing page not kept in memory (${String(err)}); Next serves it`),
  );
});
