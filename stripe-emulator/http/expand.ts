import type { Ctx } from '../context.js';
import { clone } from '../context.js';
import { invalidRequest } from './errors.js';

/**
 * Fields that are not in the default representation but can be expanded
 * (`includable` in Stripe's OpenAPI), keyed by object type.
 */
export type VirtualField = (ctx: Ctx, obj: Record<string, unknown>) => unknown;
const virtualFields = new Map<string, Map<string, VirtualField>>();

export function registerVirtualField(objectType: string, field: string, fn: VirtualField): void {
  let m = virtualFields.get(objectType);
  if (!m) virtualFields.set(objectType, (m = new Map()));
  m.set(field, fn);
}

const MAX_DEPTH = 4;

function cannotExpand(path: string): Error {
  return invalidRequest(`This property cannot be expanded (${path}).`, 'expand');
}

function expandInto(ctx: Ctx, node: unknown, segments: string[], fullPath: string): unknown {
  if (Array.isArray(node)) return node.map((n) => expandInto(ctx, n, segments, fullPath));
  if (node === null || typeof node !== 'object') throw cannotExpand(fullPath);
  const obj = node as Record<string, unknown>;
  const [seg, ...rest] = segments;
  if (seg === undefined) return obj;
  if (!(seg in obj)) {
    const virtual = virtualFields.get(String(obj.object))?.get(seg);
    if (!virtual) throw cannotExpand(fullPath);
    obj[seg] = virtual(ctx, obj);
  }
  let value = obj[seg];
  if (typeof value === 'string') {
    const found = ctx.store.findAny(value);
    if (!found) throw cannotExpand(fullPath);
    value = clone(found);
  } else if (Array.isArray(value) && rest.length === 0) {
    // A list of ids (e.g. an invoice's `discounts`) expands element by element.
    value = value.map((v) => {
      if (typeof v !== 'string') return v;
      const found = ctx.store.findAny(v);
      if (!found) throw cannotExpand(fullPath);
      return clone(found);
    });
  } else if (value !== null && typeof value !== 'object') {
    throw cannotExpand(fullPath);
  }
  if (rest.length > 0 && value !== null) value = expandInto(ctx, value, rest, fullPath);
  obj[seg] = value;
  return obj;
}

/** Mutates `obj` (a response copy) expanding each dotted path. */
export function applyExpand(ctx: Ctx, obj: unknown, paths: string[]): unknown {
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH) {
      throw invalidRequest(`You cannot expand more than ${MAX_DEPTH} levels of a property (${path}).`, 'expand');
    }
    expandInto(ctx, obj, segments, path);
  }
  return obj;
}
