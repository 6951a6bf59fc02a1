import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';

/** One line per request. Only what is listed here is logged: never bodies, never headers. */
export function requestLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    await next();
    logRequest(log, started, { requestId: ctx.state.requestId, method: ctx.method, route: matchedRoute(ctx), status: ctx.status, userId: userIdOf(ctx) });
  };
}

export interface RequestLine {
  requestId: string;
  method: string;
  route: string;
  status: number;
  userId?: unknown;
}

/** The request's line (errors always; the others at info), `started` being its performance.now(). */
export function logRequest(log: Logger, started: number, { requestId, method, route, status, userId }: RequestLine): void {
  if (status < 500 && !log.isLevelEnabled('info')) return;
  const line = { requestId, method, route, status, latencyMs: Math.round((performance.now() - started) * 10) / 10, userId };
  if (status >= 500) log.error(line, 'request');
  else log.info(line, 'request');
}

/** The route pattern (`/api/resumes/:id`), not the raw path, so log lines group by endpoint. */
function matchedRoute(ctx: Context): string {
  const route: unknown = ctx._matchedRoute;
  return typeof route === 'string' ? route : 'unmatched';
}

function userIdOf(ctx: Context): unknown {
  const user: unknown = ctx.state.user;
  return typeof user === 'object' && user !== null && 'id' in user ? user.id : undefined;
}
