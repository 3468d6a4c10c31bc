import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMULATOR_WEBHOOK_SECRET, parseEnv, webhookSecret } from '@/lib/config/env';

// What a production start sees; each test removes or changes one thing.
const PRODUCTION = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://app@db.internal:5432/agileforge',
  APP_URL: 'https://billing.agileforge.example',
  STRIPE_SECRET_KEY: 'sk_live_0123456789',
  STRIPE_WEBHOOK_SECRET: 'whsec_real_endpoint_secret',
  AUTH_SECRET: 'a-production-secret-of-more-than-32-chars',
  TRUSTED_PROXY_HOPS: '1',
  SMTP_URL: 'smtps://mailer:secret@smtp.agileforge.example:465',
};

function startWith(overrides: Record<string, string | undefined>): () => unknown {
  return () => parseEnv({ ...PRODUCTION, ...overrides });
}

describe('production refuses an unsafe configuration at start', () => {
  it('starts with real Stripe keys and an auth secret', () => {
    expect(startWith({})).not.toThrow();
  });

  it('stops without STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, naming both', () => {
    for (const missing of [
      { STRIPE_SECRET_KEY: undefined, STRIPE_WEBHOOK_SECRET: undefined },
      { STRIPE_SECRET_KEY: undefined },
      { STRIPE_WEBHOOK_SECRET: undefined },
    ]) {
      expect(startWith(missing)).toThrow(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
    }
  });

  it('runs on the emulator only with STRIPE_EMULATOR=1 and a webhook secret of its own', () => {
    const emulator = { STRIPE_SECRET_KEY: undefined, STRIPE_EMULATOR: '1' };
    expect(startWith({ ...emulator, STRIPE_WEBHOOK_SECRET: 'whsec_staging_only' })).not.toThrow();
    expect(startWith({ ...emulator, STRIPE_WEBHOOK_SECRET: undefined })).toThrow(/STRIPE_WEBHOOK_SECRET/);
    expect(startWith({ ...emulator, STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET })).toThrow(
      /must not be the public emulator default/,
    );
    expect(startWith({ STRIPE_EMULATOR: '0', STRIPE_SECRET_KEY: undefined })).toThrow(/STRIPE_SECRET_KEY/);
  });

  it('never accepts the public default webhook secret, even with a real key', () => {
    expect(startWith({ STRIPE_WEBHOOK_SECRET: EMULATOR_WEBHOOK_SECRET })).toThrow(/public emulator default/);
  });

  it('never falls back to the public default webhook secret in production', () => {
    const env = parseEnv({ ...PRODUCTION, STRIPE_SECRET_KEY: undefined, STRIPE_EMULATOR: '1' });
    expect(webhookSecret(env)).toBe('whsec_real_endpoint_secret');
    // Development still gets the emulator's default, so `npm run dev` needs no keys.
    expect(webhookSecret(parseEnv({ NODE_ENV: 'development' }))).toBe(EMULATOR_WEBHOOK_SECRET);
    expect(webhookSecret({ ...env, STRIPE_WEBHOOK_SECRET: undefined })).toBeUndefined();
  });

  it('stops without AUTH_SECRET', () => {
    expect(startWith({ AUTH_SECRET: undefined })).toThrow(/AUTH_SECRET: required in production/);
    expect(() => parseEnv({ NODE_ENV: 'development' })).not.toThrow();
  });

  it('lists every problem at once', () => {
    expect(startWith({ AUTH_SECRET: undefined, STRIPE_SECRET_KEY: undefined, DATABASE_URL: undefined })).toThrow(
      /DATABASE_URL[\s\S]*AUTH_SECRET[\s\S]*STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/,
    );
  });
});

describe('the server start (instrumentation.ts)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    vi.restoreAllMocks();
  });

  it('exits with the message naming both Stripe variables when production has no keys', async () => {
    Object.assign(process.env, { ...PRODUCTION, NEXT_RUNTIME: 'nodejs' });
    delete process.env.STRIPE_SECRET_KEY;
    delete process.env.STRIPE_WEBHOOK_SECRET;
    delete process.env.STRIPE_EMULATOR;
    const exit = vi.spyOn(process, 'exit').mockImplementation(() => undefined as never);
    const printed: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((message: string) => void printed.push(message));
    const { register } = await import('@/instrumentation');
    await register();
    expect(exit).toHaveBeenCalledWith(1);
    expect(printed.join('\n')).toMatch(/STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: both required in production/);
  });
});
