import type { Context } from 'koa';
import { NotFound } from '../domain/errors.js';

/**
 * Like Django's integer lookup: a path id that is not a plain positive integer within range
 * (`abc`, `-1`, `0`, beyond 2^53) names nothing, so it is a 404 — never a 500.
 */
export function pathId(param: string | undefined): number {
  const id = /^\d{1,16}$/.test(param ?? '') ? Number(param) : 0;
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFound();
  return id;
}

/**
 * A path segment naming a resource by text (an AI model's display name). One with NUL, which no
 * name can hold and PostgreSQL text cannot carry, names nothing: a 404, never a 500.
 */
export function pathName(param: string | undefined): string {
  if (!param || param.includes('\u0000')) throw new NotFound();
  return param;
}

/** Scheme and host of this request (not `ctx.origin`, which Koa 3 takes from the Origin header). */
export const requestOrigin = (ctx: Context): string => `${ctx.protocol}://${ctx.host}`;
