/**
 * Sent with every response, pages and API alike. No script-src: the prerendered pricing page
 * cannot carry a per-request nonce, so the policy is limited to what needs none: nobody may frame
 * the app (sign-in and checkout buttons could be clickjacked), no <base> or plugin injection.
 * Browsers ignore Strict-Transport-Security over plain HTTP, so it is harmless in development.
 */
const SECURITY_HEADERS = [
  { key: 'Content-Security-Policy', value: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'" },
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()' },
  { key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  async headers() {
    return [{ source: '/:path*', headers: SECURITY_HEADERS }];
  },
  // PGlite ships WASM and must be loaded by Node, not bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    '@node-rs/argon2',
    'pino',
    'pino-pretty',
    // It imports drizzle-orm at run time by a computed name, which a bundler cannot follow; both
    // load from node_modules so the limiter and the app share one drizzle-orm.
    'rate-limiter-flexible',
    'drizzle-orm',
  ],
  poweredByHeader: false,
  // The seed documents `GET /api/packages/` with its slash: API paths answer with and without it
  // (proxy.ts rewrites them in place), while pages keep one canonical URL via proxy.ts's redirect.
  skipTrailingSlashRedirect: true,
  // proxy.ts then sees the request's own URL, so its in-place rewrite stays internal (otherwise
  // Next hands the proxy a localhost URL and treats a rewrite to it as an external proxy).
  skipProxyUrlNormalize: true,
  typedRoutes: false,
};

export default nextConfig;
