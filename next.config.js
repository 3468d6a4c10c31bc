/** @type {import('next').NextConfig} */
const nextConfig = {
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
  typedRoutes: false,
};

export default nextConfig;
