import net from 'node:net';

/**
 * A TCP proxy in front of a database (or any server) that a test can cut: `refuse` resets every
 * open connection and every new one (the server stopped), `blackhole` resets the open ones and
 * leaves new ones hanging without an answer (a host that drops packets), `pass` forwards again.
 */
export interface CuttableProxy {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  cut(mode: 'refuse' | 'blackhole'): void;
  restore(): void;
  close(): Promise<void>;
}

/** `url` with its host and port replaced by a local proxy's. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}

/** Ties a proxied connection's two sockets together: either one failing or closing closes both. */
export function tieSockets(client: net.Socket, upstream: net.Socket): void {
  for (const [socket, other] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    socket.on('error', () => socket.destroy());
    socket.on('close', () => other.destroy());
  }
}

export async function startCuttableProxy(target: { host: string; port: number }): Promise<CuttableProxy> {
  let mode: 'pass' | 'refuse' | 'blackhole' = 'pass';
  const open = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    open.add(s);
    s.on('close', () => open.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'refuse') return client.resetAndDestroy();
    if (mode === 'blackhole') return; // held open, never answered
    const upstream = net.connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream).pipe(client);
    tieSockets(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const resetAll = () => {
    for (const s of open) s.resetAndDestroy();
  };
  return {
    port,
    urlFor: (url) => throughProxy(url, port),
    cut(next) {
      mode = next;
      resetAll();
    },
    restore() {
      mode = 'pass';
      resetAll(); // the held (blackholed) sockets; their clients reconnect
    },
    async close() {
      resetAll();
      await new Promise((r) => server.close(r));
    },
  };
}
