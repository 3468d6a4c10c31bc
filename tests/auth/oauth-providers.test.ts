import { describe, expect, it } from 'vitest';
import { configuredOAuthProviders } from '@/lib/auth/oauth-providers';
import { parseEnv } from '@/lib/config/env';

const ids = (env: Record<string, string>) => configuredOAuthProviders(parseEnv(env)).map((p) => p.id);

describe('OAuth providers', () => {
  it('are offered only when both the client id and the secret are set', () => {
    expect(ids({})).toEqual([]);
    expect(ids({ AUTH_GITHUB_ID: 'gh-id' })).toEqual([]);
    expect(ids({ AUTH_GOOGLE_SECRET: 'g-secret' })).toEqual([]);
    expect(ids({ AUTH_GITHUB_ID: 'gh-id', AUTH_GITHUB_SECRET: '' })).toEqual([]);
    expect(ids({ AUTH_GITHUB_ID: 'gh-id', AUTH_GITHUB_SECRET: 'gh-secret' })).toEqual(['github']);
    expect(
      ids({
        AUTH_GITHUB_ID: 'gh-id',
        AUTH_GITHUB_SECRET: 'gh-secret',
        AUTH_GOOGLE_ID: 'g-id',
        AUTH_GOOGLE_SECRET: 'g-secret',
      }),
    ).toEqual(['github', 'google']);
  });
});
