import { isIP } from 'node:net';
import { AppError } from '@/lib/errors';

/**
 * Set by the server entry (scripts/server.ts) on every request to the TCP peer's address,
 * overwriting whatever a client sent under that name.
 */
export const SOCKET_ADDRESS_HEADER = 'x-agileforge-socket-address';

/** The request's client address cannot be established: no rate-limit key may be guessed for it. */
export class ClientAddressUnknown extends AppError {
  constructor(reason: string) {
    super('client_address_unknown', `Cannot tell where this request comes from: ${reason}`, 400);
  }
}

export interface TrustBoundary {
  /** How many reverse proxies the operator runs in front of the app (TRUSTED_PROXY_HOPS). */
  trustedProxyHops: number;
  /** True only when the process was started by the server entry, which owns SOCKET_ADDRESS_HEADER. */
  socketAddressHeaderTrusted: boolean;
}

/**
 * The client's address as far as the trust boundary can vouch for it.
 *
 * - N ≥ 1 proxies: each appends the address it saw to X-Forwarded-For, so the Nth entry from the
 *   right was written by the outermost trusted proxy; everything left of it is the client's say.
 * - 0 proxies: X-Forwarded-For is the client's say entirely and is ignored; the TCP peer's address
 *   comes from the server entry's header.
 *
 * Never falls back to a shared placeholder: one key for every unknown client would let one
 * attacker exhaust everybody's limit.
 */
export function clientAddress(headers: Headers, boundary: TrustBoundary): string {
  if (boundary.trustedProxyHops >= 1) {
    const chain = (headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const entry = chain[chain.length - boundary.trustedProxyHops];
    if (!entry) {
      throw new ClientAddressUnknown(
        `X-Forwarded-For has ${chain.length} entries but ${boundary.trustedProxyHops} trusted proxies should have written one each`,
      );
    }
    return rateLimitAddress(entry);
  }
  if (!boundary.socketAddressHeaderTrusted) {
    throw new ClientAddressUnknown(
      'no proxy is trusted (TRUSTED_PROXY_HOPS=0) and the app was not started by its server entry (npm start)',
    );
  }
  const socket = headers.get(SOCKET_ADDRESS_HEADER);
  if (!socket) throw new ClientAddressUnknown('the connection has no address');
  return rateLimitAddress(socket);
}

/**
 * The address as a rate-limit subject: IPv4-mapped IPv6 becomes IPv4, and an IPv6 address is cut
 * to its /64, the block one subscriber normally holds (else one host could rotate 2^64 keys).
 */
export function rateLimitAddress(raw: string): string {
  let address = raw.trim();
  // A proxy may write "[v6]:port" or "v4:port".
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i.exec(address);
  if (mapped) address = mapped[1]!;
  const version = isIP(address);
  if (version === 4) return address;
  if (version === 6) return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
  throw new ClientAddressUnknown(`'${raw.slice(0, 64)}' is not an IP address`);
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}

/** The trust boundary the environment describes. */
export function trustBoundary(env: { TRUSTED_PROXY_HOPS: number; AGILEFORGE_SERVER_ENTRY?: '1' }): TrustBoundary {
  return { trustedProxyHops: env.TRUSTED_PROXY_HOPS, socketAddressHeaderTrusted: env.AGILEFORGE_SERVER_ENTRY === '1' };
}
