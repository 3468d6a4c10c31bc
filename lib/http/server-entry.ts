import type { IncomingMessage, RequestListener } from 'node:http';
import { SOCKET_ADDRESS_HEADER } from './client-address';

/**
 * Writes the TCP peer's address into SOCKET_ADDRESS_HEADER, replacing any value the client sent
 * under that name (in both the parsed and the raw header lists), so the app can trust the header.
 */
export function stampSocketAddress(req: IncomingMessage): void {
  const address = req.socket.remoteAddress;
  const raw = req.rawHeaders;
  for (let i = raw.length - 2; i >= 0; i -= 2) {
    if (raw[i]!.toLowerCase() === SOCKET_ADDRESS_HEADER) raw.splice(i, 2);
  }
  if (address) {
    req.headers[SOCKET_ADDRESS_HEADER] = address;
    raw.push(SOCKET_ADDRESS_HEADER, address);
  } else {
    delete req.headers[SOCKET_ADDRESS_HEADER];
  }
}

/** Wraps a request listener (Next's request handler) so every request carries its socket address. */
export function withSocketAddress(handler: RequestListener): RequestListener {
  return (req, res) => {
    stampSocketAddress(req);
    return handler(req, res);
  };
}
