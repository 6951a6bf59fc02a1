import type { Context, Middleware } from 'koa';
import type { Logger } from 'pino';

/** One line per request. Only what is listed here is logged: never bodies, never headers. */
export function requestLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    await next();
    if (ctx.status < 500 && !log.isLevelEnabled('info')) return;
    const line = {
      requestId: ctx.state.requestId,
      method: ctx.method,
      route: matchedRoute(ctx),
      status: ctx.status,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      userId: userIdOf(ctx),
    };
    if (ctx.status >= 500) log.error(line, 'request');
    else log.info(line, 'request');
  };
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
