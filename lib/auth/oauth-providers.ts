import type { Env } from '@/lib/config/env';

export interface OAuthProvider {
  id: 'github' | 'google';
  name: string;
  clientId: string;
  clientSecret: string;
}

/** The OAuth providers to offer: each only when both its client id and secret are configured. */
export function configuredOAuthProviders(
  env: Pick<Env, 'AUTH_GITHUB_ID' | 'AUTH_GITHUB_SECRET' | 'AUTH_GOOGLE_ID' | 'AUTH_GOOGLE_SECRET'>,
): OAuthProvider[] {
  const providers: OAuthProvider[] = [];
  if (env.AUTH_GITHUB_ID && env.AUTH_GITHUB_SECRET)
    providers.push({
      id: 'github',
      name: 'GitHub',
      clientId: env.AUTH_GITHUB_ID,
      clientSecret: env.AUTH_GITHUB_SECRET,
    });
  if (env.AUTH_GOOGLE_ID && env.AUTH_GOOGLE_SECRET)
    providers.push({
      id: 'google',
      name: 'Google',
      clientId: env.AUTH_GOOGLE_ID,
      clientSecret: env.AUTH_GOOGLE_SECRET,
    });
  return providers;
}
