import { ZodError } from 'zod';
import { Forbidden, Unauthenticated } from '@/lib/errors';
import { JSON_BODY_LIMIT_BYTES, readBodyText } from '@/lib/http/body';
import { toErrorResponse } from '@/lib/http/error-response';
import { clientAddress, trustBoundary } from '@/lib/http/client-address';
import { consumeRateLimit, type RateLimitRule } from '@/lib/rate-limit';
import { getAppContext, type AppContext } from '@/lib/server/context';
import { resolveCurrentTeam, roleAtLeast, type ActiveTeam, type TeamRole } from '@/lib/teams/membership';
import { assertApiAccess } from '@/lib/tokens';
import { resolveCaller, type AuthedUser } from './credentials';
import { assertSameOrigin } from './csrf';

export interface TeamRequestContext<P> {
  app: AppContext;
  user: AuthedUser;
  team: ActiveTeam;
  params: P;
}

export interface WithTeamOptions {
  /** Lowest role allowed; owners and admins buy and manage, members view. */
  minRole?: TeamRole;
  rateLimit?: RateLimitRule;
  platformAdmin?: boolean;
}

type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (req: Request, ctx: TeamRequestContext<P>) => Promise<Response | object>;

/**
 * The one wrapper of every /api/packages route (but the webhook): resolves credentials (session
 * cookie or API token), the current team and role, CSRF and rate limits, and maps every error to
 * the JSON envelope. A handler returns a Response or a value sent as JSON.
 */
export function withTeam<P = Record<string, string>>(handler: Handler<P>, options: WithTeamOptions = {}) {
  return async (req: Request, route?: RouteContext<P>): Promise<Response> => {
    let app: AppContext | undefined;
    try {
      app = getAppContext();
      const caller = await resolveCaller(app, req);
      if (!caller) throw new Unauthenticated('Sign in or send Authorization: Bearer <API token>');
      const { user } = caller;
      if (user.via === 'session') assertSameOrigin(req, app.env.APP_URL);
      if (options.platformAdmin && !user.isPlatformAdmin) throw new Forbidden('Platform admins only');
      const team = caller.team !== undefined ? caller.team : await resolveCurrentTeam(app.db, user.id);
      if (!team) throw new Forbidden('You are not a member of any team');
      if (user.tokenKind) await assertApiAccess(app, user.tokenKind, team.id);
      if (options.minRole && !roleAtLeast(team.role, options.minRole)) {
        throw new Forbidden(
          `This needs the ${options.minRole} role or higher in team '${team.name}'; you are ${team.role}`,
        );
      }
      if (options.rateLimit) {
        await consumeRateLimit(app, options.rateLimit, `user:${user.id}`);
        await consumeRateLimit(app, options.rateLimit, `ip:${clientAddress(req.headers, trustBoundary(app.env))}`);
      }
      const params = ((await route?.params) ?? {}) as P;
      const result = await handler(req, { app, user, team, params });
      return result instanceof Response ? result : Response.json(result);
    } catch (err) {
      return toErrorResponse(err, app?.logger);
    }
  };
}

/** Reads a JSON body (at most 64 KB, else 413); a malformed one is a 400 naming the body, not a 500. */
export async function readJson(req: Request): Promise<unknown> {
  const text = await readBodyText(req, JSON_BODY_LIMIT_BYTES);
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ZodError([{ code: 'custom', path: [], message: 'body must be valid JSON', input: undefined }]);
  }
}

/** URL query parameters as a plain object for zod. */
export function queryOf(req: Request): Record<string, string> {
  return Object.fromEntries(new URL(req.url).searchParams);
}
