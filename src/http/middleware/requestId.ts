import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

declare module 'koa' {
  interface DefaultState {
    requestId: string;
  }
}

/** Ids from a proxy or client are kept only when they cannot smuggle anything into logs or headers. */
const SANE_ID = /^[A-Za-z0-9._-]{1,200}$/;

/** The request's id: the incoming X-Request-Id when it is sane, else a new one. */
export const requestIdOf = (incoming: string | undefined): string => (incoming !== undefined && SANE_ID.test(incoming) ? incoming : randomUUID());

export function requestId(): Middleware {
  return async (ctx, next) => {
    const id = requestIdOf(ctx.get('X-Request-Id'));
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    await next();
  };
}
