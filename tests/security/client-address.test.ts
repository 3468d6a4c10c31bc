import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidEnvironment, parseEnv } from '@/lib/config/env';
import { ClientAddressUnknown, clientAddress, SOCKET_ADDRESS_HEADER, trustBoundary } from '@/lib/http/client-address';
import { withSocketAddress } from '@/lib/http/server-entry';

const headers = (h: Record<string, string>) => new Headers(h);
const behindEntry = { trustedProxyHops: 0, socketAddressHeaderTrusted: true };

describe('client address from the trust boundary', () => {
  it('TRUSTED_PROXY_HOPS=0 behind the server entry: X-Forwarded-For is ignored, the socket address counts', () => {
    expect(
      clientAddress(
        headers({ 'x-forwarded-for': '203.0.113.1', [SOCKET_ADDRESS_HEADER]: '198.51.100.2' }),
        behindEntry,
      ),
    ).toBe('198.51.100.2');
  });

  it('TRUSTED_PROXY_HOPS=0 without the server entry: refuses rather than share one "unknown" key', () => {
    const notEntry = { trustedProxyHops: 0, socketAddressHeaderTrusted: false };
    // A client sending the entry's header itself picks nothing: it is not trusted outside the entry.
    expect(() =>
      clientAddress(headers({ [SOCKET_ADDRESS_HEADER]: '198.51.100.2', 'x-forwarded-for': '203.0.113.1' }), notEntry),
    ).toThrow(ClientAddressUnknown);
    expect(() => clientAddress(headers({}), behindEntry)).toThrow(ClientAddressUnknown);
  });

  it('TRUSTED_PROXY_HOPS=1 takes the rightmost entry; 2 the second from the right; too few entries refuse', () => {
    const xff = headers({ 'x-forwarded-for': 'forged-by-client, 203.0.113.7, 198.51.100.3' });
    expect(clientAddress(xff, { trustedProxyHops: 1, socketAddressHeaderTrusted: false })).toBe('198.51.100.3');
    expect(clientAddress(xff, { trustedProxyHops: 2, socketAddressHeaderTrusted: false })).toBe('203.0.113.7');
    // The third from the right is whatever the client wrote: not an address, so refused, never used as a key.
    expect(() => clientAddress(xff, { trustedProxyHops: 3, socketAddressHeaderTrusted: false })).toThrow(
      ClientAddressUnknown,
    );
    expect(() => clientAddress(xff, { trustedProxyHops: 4, socketAddressHeaderTrusted: false })).toThrow(
      ClientAddressUnknown,
    );
    expect(() => clientAddress(headers({}), { trustedProxyHops: 1, socketAddressHeaderTrusted: false })).toThrow(
      ClientAddressUnknown,
    );
  });

  it('folds IPv4-mapped IPv6 to IPv4 and an IPv6 address to its /64, so one host cannot rotate keys', () => {
    const at = (a: string) => clientAddress(headers({ [SOCKET_ADDRESS_HEADER]: a }), behindEntry);
    expect(at('::ffff:198.51.100.4')).toBe('198.51.100.4');
    expect(at('2001:db8:1:2:aaaa::1')).toBe(at('2001:db8:1:2:bbbb:cccc:dddd:eeee'));
    expect(at('2001:db8:1:2::1')).not.toBe(at('2001:db8:1:3::1'));
  });

  it('TRUSTED_PROXY_HOPS is validated, defaults to 0, and production with 0 outside the server entry refuses to start', () => {
    expect(parseEnv({}).TRUSTED_PROXY_HOPS).toBe(0);
    expect(parseEnv({ TRUSTED_PROXY_HOPS: '2' }).TRUSTED_PROXY_HOPS).toBe(2);
    expect(() => parseEnv({ TRUSTED_PROXY_HOPS: 'one' })).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(() => parseEnv({ TRUSTED_PROXY_HOPS: '-1' })).toThrow(/TRUSTED_PROXY_HOPS/);
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db.example/app',
      SMTP_URL: 'smtp://mail.example:25',
      AUTH_SECRET: 'a-production-secret-of-32-characters!',
      STRIPE_SECRET_KEY: 'sk_live_0123456789',
      STRIPE_WEBHOOK_SECRET: 'whsec_real_endpoint_secret',
    };
    expect(() => parseEnv(production)).toThrow(InvalidEnvironment);
    expect(() => parseEnv(production)).toThrow(/TRUSTED_PROXY_HOPS/);
    expect(trustBoundary(parseEnv({ ...production, TRUSTED_PROXY_HOPS: '1' })).trustedProxyHops).toBe(1);
    expect(trustBoundary(parseEnv({ ...production, AGILEFORGE_SERVER_ENTRY: '1' })).socketAddressHeaderTrusted).toBe(
      true,
    );
  });
});

describe('server entry', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // The entry's wrapper around a handler that reports what the app would see.
    server = createServer(
      withSocketAddress((req, res) => {
        res.end(JSON.stringify({ parsed: req.headers[SOCKET_ADDRESS_HEADER], raw: req.rawHeaders }));
      }),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.close();
  });

  it('overwrites a socket-address header the client forged with the connection address', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path: '/',
          headers: { 'X-AgileForge-Socket-Address': '203.0.113.250', 'x-forwarded-for': '203.0.113.251' },
        },
        (res) => {
          let data = '';
          res.on('data', (c: Buffer) => (data += c.toString()));
          res.on('end', () => resolve(data));
        },
      );
      req.on('error', reject);
      req.end();
    });
    const seen = JSON.parse(body) as { parsed: string; raw: string[] };
    expect(seen.parsed).toBe('127.0.0.1');
    expect(seen.raw.join(' ')).not.toContain('203.0.113.250');
  });
});
