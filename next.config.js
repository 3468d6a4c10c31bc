/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and must be loaded by Node, not bundled.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    '@node-rs/argon2',
    'pino',
    'pino-pretty',
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
