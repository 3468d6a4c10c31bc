import type { Router } from '../http/router.js';
import { createdFilter, newestFirst, paginate } from '../http/list.js';
import { mustGet } from './util.js';

export function registerEvents(r: Router): void {
  r.add('GET', '/v1/events/:id', ({ ctx, path }) => mustGet(ctx, 'events', path[0] ?? ''));
  r.add('GET', '/v1/events', ({ ctx, params: p, url }) => {
    const type = p.str('type');
    const types = p.strList('types');
    // `type` accepts a `*` wildcard, e.g. `invoice.*`.
    const typeRe = type ? new RegExp(`^${type.replace(/\./g, '\\.').replace(/\*/g, '.*')}$`) : null;
    const items = ctx.store
      .all('events')
      .filter(createdFilter(p))
      .filter((e) => !typeRe || typeRe.test(e.type))
      .filter((e) => !types || types.includes(e.type));
    return paginate(newestFirst(items), p, url);
  });
}
