import type { Ctx } from '../context.js';
import type { Params } from './params.js';

export interface RouteInput {
  ctx: Ctx;
  params: Params;
  /** Captured `:name` segments, in order. */
  path: string[];
  /** Request path without query string (used as a list's `url`). */
  url: string;
}
export type Handler = (input: RouteInput) => unknown;

interface Route {
  method: string;
  regex: RegExp;
  handler: Handler;
}

export class Router {
  private routes: Route[] = [];

  add(method: 'GET' | 'POST' | 'DELETE', pattern: string, handler: Handler): this {
    const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, '([^/]+)')}/?$`);
    this.routes.push({ method, regex, handler });
    return this;
  }

  /** `undefined` when no route matches the path at all; `null` for a wrong method. */
  match(method: string, path: string): { handler: Handler; path: string[] } | null | undefined {
    let pathMatched = false;
    for (const r of this.routes) {
      const m = r.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (r.method === method) return { handler: r.handler, path: m.slice(1).map(decodeURIComponent) };
    }
    return pathMatched ? null : undefined;
  }
}
