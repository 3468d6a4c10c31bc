import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { ensurePrivateDir, persistentSecret, restrictTree } from './private-files';

/**
 * Connections to the embedded database use unnamed statements (`connectDatabase`'s `prepare`).
 * PGlite runs every connection in one session and its socket server serves them message by
 * message, keeping a transaction's connection first; a connection cut in the middle of a pipelined
 * batch of named statements left that session waiting on it, and every other connection with it,
 * until the server's 60 s idle timeout (tests/api/database-outage.test.ts). Speed does not matter
 * here; with real PostgreSQL every connection is a session of its own.
 */
export const EMBEDDED_PREPARE = false;

export interface EmbeddedPostgres {
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves an embedded PGlite over the PostgreSQL wire protocol, so the app, the CLI and
 * tests all use the same `postgres` driver whether or not DATABASE_URL is set.
 * `dataDir` undefined keeps the database in memory.
 *
 * pglite-socket has no authentication of its own: PGlite answers every startup message with
 * AuthenticationOk, so any local process could connect with any credentials. So PGlite is served
 * on a Unix socket in a private (0700) temporary directory, and what listens on 127.0.0.1 is a
 * small gate that asks for a password (AuthenticationCleartextPassword, over loopback only),
 * compares it in constant time and only then splices the connection through. The password is
 * random; with `passwordFile` it is kept there (0600) so the CLI can read it from the URL.
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number; host?: string; passwordFile?: string } = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) ensurePrivateDir(options.dataDir);
  const pg = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  if (options.dataDir) restrictTree(options.dataDir);
  const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-pglite-'));
  fs.chmodSync(socketDir, 0o700);
  const socketPath = path.join(socketDir, '.s.PGSQL');
  const backend = new PGLiteSocketServer({ db: pg, path: socketPath, maxConnections: 200 });
  await backend.start();

  const generate = () => randomBytes(24).toString('base64url');
  const password = options.passwordFile ? persistentSecret(options.passwordFile, generate) : generate();
  const host = options.host ?? '127.0.0.1';
  const open = new Set<net.Socket>();
  const gate = net.createServer((client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    passwordGate(client, socketPath, password);
  });
  await new Promise<void>((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (gate.address() as net.AddressInfo).port;
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@${host}:${port}/postgres`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => gate.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
      await backend.stop();
      await pg.close();
      fs.rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

const digest = (value: Buffer | string) => createHash('sha256').update(value).digest();

function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.concat([Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0`, 'utf8'), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

/** One client connection: startup, password check, then a plain splice to PGlite. */
function passwordGate(client: net.Socket, backendPath: string, password: string): void {
  const expected = digest(password);
  let buffered = Buffer.alloc(0);
  let startup: Buffer | null = null;
  const refuse = (code: string, message: string) => {
    client.end(errorResponse(code, message));
  };
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // Startup phase: length-prefixed messages without a type byte.
    while (!startup && buffered.length >= 8) {
      const length = buffered.readInt32BE(0);
      if (length < 8 || length > 10_000) return refuse('08P01', 'invalid startup packet');
      if (buffered.length < length) return;
      const code = buffered.readInt32BE(4);
      const packet = buffered.subarray(0, length);
      buffered = buffered.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) client.write('N');
      else if (code === CANCEL_REQUEST) return void client.end();
      else if (code === PROTOCOL_3) {
        startup = Buffer.from(packet);
        const ask = Buffer.alloc(9);
        ask.write('R', 0);
        ask.writeInt32BE(8, 1);
        ask.writeInt32BE(3, 5); // AuthenticationCleartextPassword
        client.write(ask);
      } else return refuse('08P01', 'unsupported protocol version');
    }
    if (!startup || buffered.length < 5) return;
    // Password phase: one 'p' message.
    if (buffered[0] !== 0x70) return refuse('08P01', 'expected a password message');
    const length = buffered.readInt32BE(1);
    if (length < 5 || length > 10_000) return refuse('08P01', 'invalid password message');
    if (buffered.length < length + 1) return;
    const given = buffered
      .subarray(5, length + 1)
      .toString('utf8')
      .replace(/\0$/, '');
    const rest = buffered.subarray(length + 1);
    client.pause();
    client.off('data', onData);
    if (!timingSafeEqual(digest(given), expected)) {
      return refuse('28P01', 'password authentication failed for the embedded database');
    }
    const upstream = net.connect(backendPath, () => {
      upstream.write(startup!);
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.on('error', () => client.destroy());
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  };
  client.on('data', onData);
  client.on('error', () => client.destroy());
}
