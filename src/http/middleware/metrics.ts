import type { Middleware } from 'koa';
import type { RecordRequestDuration } from '../../metrics/requestMetrics.js';

/** Every path no route owns shares this label, so unknown URLs cannot grow the series count. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Request duration by route template (`/api/resumes/:id`, never the raw URL), method and final status. */
export function requestMetrics(record: RecordRequestDuration): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route: unknown = ctx._matchedRoute;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      record(typeof route === 'string' ? route : UNMATCHED_ROUTE, ctx.method, ctx.status, seconds);
    }
  };
}
