import type { Params } from './params.js';
import { resourceMissing } from './errors.js';

export interface ListObject<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/**
 * Stripe cursor pagination over items already in list order (newest first).
 * `starting_after` / `ending_before` name an object id inside that order.
 */
export function paginate<T extends { id: string }>(items: T[], params: Params, url: string): ListObject<T> {
  const limit = params.int('limit', { min: 1, max: 100 }) ?? 10;
  const startingAfter = params.str('starting_after');
  const endingBefore = params.str('ending_before');
  if (startingAfter) {
    const idx = items.findIndex((i) => i.id === startingAfter);
    if (idx === -1) throw resourceMissing('object', startingAfter, 'starting_after');
    const rest = items.slice(idx + 1);
    return { object: 'list', data: rest.slice(0, limit), has_more: rest.length > limit, url };
  }
  if (endingBefore) {
    const idx = items.findIndex((i) => i.id === endingBefore);
    if (idx === -1) throw resourceMissing('object', endingBefore, 'ending_before');
    const before = items.slice(0, idx);
    const page = before.slice(Math.max(0, before.length - limit));
    return { object: 'list', data: page, has_more: before.length > limit, url };
  }
  return { object: 'list', data: items.slice(0, limit), has_more: items.length > limit, url };
}

/** Newest first, ties broken by insertion order (later inserted = newer). */
export function newestFirst<T extends { created?: number }>(items: T[]): T[] {
  return items
    .map((item, i) => ({ item, i }))
    .sort((a, b) => (b.item.created ?? 0) - (a.item.created ?? 0) || b.i - a.i)
    .map((x) => x.item);
}

/** Stripe's `created` list filter: a timestamp or `created[gt|gte|lt|lte]`. */
export function createdFilter(params: Params): (item: { created: number }) => boolean {
  if (!params.has('created')) return () => true;
  if (typeof params.raw.created === 'string') {
    const exact = params.int('created');
    return (i) => i.created === exact;
  }
  const range = params.obj('created');
  const gt = range?.int('gt');
  const gte = range?.int('gte');
  const lt = range?.int('lt');
  const lte = range?.int('lte');
  return (i) =>
    (gt === undefined || i.created > gt) &&
    (gte === undefined || i.created >= gte) &&
    (lt === undefined || i.created < lt) &&
    (lte === undefined || i.created <= lte);
}
