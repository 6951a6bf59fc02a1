import type { Context, Middleware } from 'koa';
import { NotFound } from '../../domain/errors.js';
import { MethodNotAllowed } from '../transportErrors.js';

/** DRF's order for the Allow header. */
const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * Last in the chain, so reaching it means no route answered. The routers leave the layers
 * whose path matched on `ctx.matched`: none is a 404; some, for other methods, is a 405.
 */
export function notFound(): Middleware {
  return (ctx) => {
    const allowed = allowedMethods(ctx);
    if (allowed.length === 0) throw new NotFound();
    if (ctx.method === 'OPTIONS') {
      ctx.set('Allow', allowed.join(', '));
      ctx.status = 204;
      return;
    }
    if (allowed.includes(ctx.method)) throw new NotFound(); // its route passed the request on unanswered
    throw new MethodNotAllowed(ctx.method, allowed);
  };
}

function allowedMethods(ctx: Context): string[] {
  const matched: unknown = ctx.matched;
  if (!Array.isArray(matched)) return [];
  const methods = new Set<string>();
  for (const layer of matched) methodsOf(layer).forEach((m) => methods.add(m));
  if (methods.size === 0) return [];
  methods.add('OPTIONS');
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

/** A route layer's methods; empty for `router.use()` middleware layers. */
function methodsOf(layer: unknown): string[] {
  if (typeof layer !== 'object' || layer === null || !('methods' in layer) || !Array.isArray(layer.methods)) return [];
  return layer.methods.filter((m): m is string => typeof m === 'string');
}

function rank(method: string): number {
  const i = METHOD_ORDER.indexOf(method);
  return i === -1 ? METHOD_ORDER.length : i;
}
