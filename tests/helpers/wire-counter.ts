import net from 'node:net';
import { throughProxy, tieSockets } from './cuttable-proxy';

/**
 * A TCP proxy in front of PostgreSQL that reads the protocol's messages and counts, for the
 * statements a test runs through it:
 * - `roundTrips`: how often the client had to wait for the server: a batch (messages up to a Sync)
 *   sent while none of its earlier batches is unanswered starts one; batches sent behind unanswered
 *   ones (pipelined) do not;
 * - `parses`: Parse messages, one per statement the server had to parse again.
 * Replies are held back `replyDelayMs` so that whatever the client sends in one go reaches the
 * proxy before the answer to its first part does: the counts do not depend on the machine's speed.
 */
export interface WireCounter {
  urlFor(url: string): string;
  reset(): void;
  readonly roundTrips: number;
  readonly parses: number;
  close(): Promise<void>;
}

/** Splits a stream of protocol messages (type byte, then a length that counts itself) as it arrives. */
function messageReader(onMessage: (type: string) => void, untypedFirst: boolean) {
  let buffer = Buffer.alloc(0);
  let expectUntyped = untypedFirst;
  return (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      if (expectUntyped) {
        // The startup packet (or an SSL request) has a length and no type byte.
        if (buffer.length < 4) return;
        const length = buffer.readInt32BE(0);
        if (buffer.length < length) return;
        buffer = buffer.subarray(length);
        expectUntyped = false;
        continue;
      }
      if (buffer.length < 5) return;
      const length = buffer.readInt32BE(1);
      if (buffer.length < 1 + length) return;
      onMessage(String.fromCharCode(buffer[0]!));
      buffer = buffer.subarray(1 + length);
    }
  };
}

export async function startWireCounter(
  target: { host: string; port: number },
  { replyDelayMs = 15 } = {},
): Promise<WireCounter> {
  let roundTrips = 0;
  let parses = 0;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      s.setNoDelay(true);
      open.add(s);
      s.on('close', () => open.delete(s));
    }
    tieSockets(client, upstream);
    let unanswered = 0;
    // A batch is open from its first message until its Sync (or a simple Query) ends it.
    let batchOpen = false;
    // A Flush asks for what the server has so far without ending the batch: the driver sends one
    // after describing a statement and waits for the description before binding it.
    let flushed = false;
    const fromClient = messageReader((type) => {
      if (unanswered === 0 && !batchOpen && !flushed) roundTrips++;
      batchOpen = true;
      if (type === 'H') {
        flushed = true;
        batchOpen = false;
      }
      if (type === 'P') parses++;
      // Sync ends an extended-protocol batch and Query a simple one: each is answered by ReadyForQuery.
      if (type === 'S' || type === 'Q') {
        unanswered++;
        batchOpen = false;
      }
    }, true);
    const toClient = messageReader((type) => {
      flushed = false;
      if (type === 'Z') unanswered = Math.max(0, unanswered - 1);
    }, false);
    client.on('data', (chunk: Buffer) => {
      fromClient(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      setTimeout(() => {
        toClient(chunk);
        if (!client.destroyed) client.write(chunk);
      }, replyDelayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    urlFor: (url) => throughProxy(url, port),
    reset() {
      roundTrips = 0;
      parses = 0;
    },
    get roundTrips() {
      return roundTrips;
    },
    get parses() {
      return parses;
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
