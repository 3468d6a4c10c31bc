import { z } from 'zod';

const optionalString = z.string().trim().min(1).optional().catch(undefined);

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.url({ message: 'DATABASE_URL must be a postgres:// URL' }).optional(),
  APP_URL: z
    .url({ message: 'APP_URL must be an absolute URL such as http://localhost:3000' })
    .default('http://localhost:3000'),
  // Extra origins allowed as checkout success/cancel URLs, comma-separated.
  REDIRECT_ALLOWLIST: z.string().default(''),
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_/, 'STRIPE_SECRET_KEY must start with sk_test_, sk_live_, rk_test_ or rk_live_')
    .optional(),
  STRIPE_PUBLISHABLE_KEY: z
    .string()
    .regex(/^pk_(test|live)_/, 'STRIPE_PUBLISHABLE_KEY must start with pk_test_ or pk_live_')
    .optional(),
  STRIPE_WEBHOOK_SECRET: z.string().startsWith('whsec_', 'STRIPE_WEBHOOK_SECRET must start with whsec_').optional(),
  STRIPE_API_BASE: z.url({ message: 'STRIPE_API_BASE must be a URL such as http://127.0.0.1:12111' }).optional(),
  // Production runs against the local Stripe emulator only when this says so (staging, benchmarks).
  STRIPE_EMULATOR: z.enum(['0', '1'], { message: 'STRIPE_EMULATOR must be 0 or 1' }).optional(),
  AUTH_SECRET: z.string().min(32, 'AUTH_SECRET must be at least 32 characters').optional(),
  AUTH_GITHUB_ID: optionalString,
  AUTH_GITHUB_SECRET: optionalString,
  AUTH_GOOGLE_ID: optionalString,
  AUTH_GOOGLE_SECRET: optionalString,
  // The embedded database serialises transactions per connection, so the dev script sets this to 1.
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  // A route answers 503 when the database cannot be reached within this (keep it under the 2 s a client waits).
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce
    .number({ message: 'DATABASE_CONNECT_TIMEOUT_MS must be a whole number of milliseconds' })
    .int('DATABASE_CONNECT_TIMEOUT_MS must be a whole number of milliseconds')
    .min(100, 'DATABASE_CONNECT_TIMEOUT_MS must be at least 100')
    .max(60_000, 'DATABASE_CONNECT_TIMEOUT_MS must be at most 60000')
    .default(1000),
  // The server cancels a statement (a lock wait included) running longer than this; 0 turns it off.
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number({ message: 'DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds' })
    .int('DATABASE_STATEMENT_TIMEOUT_MS must be a whole number of milliseconds')
    .min(0, 'DATABASE_STATEMENT_TIMEOUT_MS must be 0 (off) or more')
    .max(600_000, 'DATABASE_STATEMENT_TIMEOUT_MS must be at most 600000')
    .default(10_000),
  // 0 behind PgBouncer in transaction mode: named prepared statements do not survive its connection switching.
  DATABASE_PREPARE: z.enum(['0', '1'], { message: 'DATABASE_PREPARE must be 0 or 1' }).default('1'),
  // How many teams one user may own (abuse of the free Starter allowance and trial).
  MAX_OWNED_TEAMS: z.coerce.number().int().min(1).max(1000).default(5),
  // Days a past-due plan keeps its features (but gets no new allowance) before Starter limits apply.
  PAST_DUE_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  // Deliveries of a refund or dispute for a payment not yet recorded before the event is parked for an operator.
  WEBHOOK_RETRY_LIMIT: z.coerce.number().int().min(1).max(1000).default(10),
  // Reverse proxies in front of the app; the client address is the Nth X-Forwarded-For entry from the
  // right. 0: X-Forwarded-For is ignored and the connection's address (passed by scripts/server.ts) is used.
  TRUSTED_PROXY_HOPS: z.coerce
    .number({ message: 'TRUSTED_PROXY_HOPS must be a whole number from 0 to 10' })
    .int('TRUSTED_PROXY_HOPS must be a whole number from 0 to 10')
    .min(0, 'TRUSTED_PROXY_HOPS must be a whole number from 0 to 10')
    .max(10, 'TRUSTED_PROXY_HOPS must be a whole number from 0 to 10')
    .default(0),
  // Set by scripts/server.ts for the process it starts (never by hand): it owns the socket-address header.
  AGILEFORGE_SERVER_ENTRY: z.literal('1').optional().catch(undefined),
  // Outgoing mail (password reset, verification, invitations), e.g. smtps://user:pass@smtp.example.com:465
  SMTP_URL: z
    .url({ message: 'SMTP_URL must be a URL such as smtps://user:password@smtp.example.com:465' })
    .refine((u) => /^smtps?:/.test(u), 'SMTP_URL must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().default('AgileForge <no-reply@agileforge.local>'),
  // Without SMTP_URL mails are written here as JSON files (development: .data/outbox, listed at /dev/outbox).
  MAIL_OUTBOX_DIR: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

/** Thrown at start when the environment is unusable; the message lists every bad variable. */
export class InvalidEnvironment extends Error {
  constructor(issues: string[]) {
    super(`Invalid environment:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'InvalidEnvironment';
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings (as left by `VAR=` in .env files) mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    throw new InvalidEnvironment(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = result.data;
  const problems = env.NODE_ENV === 'production' ? productionProblems(env) : [];
  if (env.STRIPE_SECRET_KEY?.includes('_live_') && env.STRIPE_API_BASE) {
    problems.push('STRIPE_API_BASE: must not be set together with a live Stripe key');
  }
  if (problems.length > 0) throw new InvalidEnvironment(problems);
  return env;
}

/**
 * What production refuses. Without a Stripe key the webhook secret would fall back to the public
 * emulator constant, and anyone could sign events; without AUTH_SECRET no session would verify.
 */
function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  if (!env.DATABASE_URL)
    problems.push('DATABASE_URL: required in production (the embedded database is for development)');
  if (!env.AUTH_SECRET)
    problems.push('AUTH_SECRET: required in production (32+ random characters, e.g. `openssl rand -base64 33`)');
  const emulator = env.STRIPE_EMULATOR === '1';
  if (!emulator && (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET)) {
    problems.push(
      'STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: both required in production' +
        ' (set STRIPE_EMULATOR=1 only to run against the local Stripe emulator on purpose)',
    );
  }
  if (emulator && !env.STRIPE_WEBHOOK_SECRET) {
    problems.push('STRIPE_WEBHOOK_SECRET: required in production, also with STRIPE_EMULATOR=1 (a secret of your own)');
  }
  if (env.STRIPE_WEBHOOK_SECRET === EMULATOR_WEBHOOK_SECRET) {
    problems.push(
      `STRIPE_WEBHOOK_SECRET: must not be the public emulator default ${EMULATOR_WEBHOOK_SECRET} in production`,
    );
  }
  if (env.TRUSTED_PROXY_HOPS === 0 && !env.AGILEFORGE_SERVER_ENTRY) {
    problems.push(
      'TRUSTED_PROXY_HOPS: with no trusted proxy the app must be started by `npm start` (scripts/server.ts), which passes the connection address; behind a proxy set TRUSTED_PROXY_HOPS to the number of proxies',
    );
  }
  if (!env.SMTP_URL && !env.MAIL_OUTBOX_DIR) {
    problems.push(
      'SMTP_URL: required in production (password reset, verification and invitation mails); set MAIL_OUTBOX_DIR instead only for staging',
    );
  }
  return problems;
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** The emulator key the local Stripe accepts; used whenever no real key is configured. */
export const EMULATOR_SECRET_KEY = 'sk_test_emulator';
export const EMULATOR_DEFAULT_BASE = 'http://127.0.0.1:12111';
export const EMULATOR_WEBHOOK_SECRET = 'whsec_local_emulator_secret';

export type StripeMode =
  { kind: 'emulator'; apiBase: string; secretKey: string } | { kind: 'stripe'; secretKey: string; apiBase?: string };

/** Real Stripe when a key is set; otherwise the local Stripe emulator. */
export function stripeMode(env: Env): StripeMode {
  if (env.STRIPE_SECRET_KEY && !env.STRIPE_API_BASE) return { kind: 'stripe', secretKey: env.STRIPE_SECRET_KEY };
  if (env.STRIPE_SECRET_KEY) return { kind: 'stripe', secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE };
  return { kind: 'emulator', apiBase: env.STRIPE_API_BASE ?? EMULATOR_DEFAULT_BASE, secretKey: EMULATOR_SECRET_KEY };
}

export function webhookSecret(env: Env): string | undefined {
  if (env.STRIPE_WEBHOOK_SECRET) return env.STRIPE_WEBHOOK_SECRET;
  // The public default signs nothing in production, whatever got past the start-up check.
  if (env.NODE_ENV === 'production') return undefined;
  return stripeMode(env).kind === 'emulator' ? EMULATOR_WEBHOOK_SECRET : undefined;
}
