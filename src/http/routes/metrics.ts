import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { OperationSpec } from '../openapi/operation.js';
import { requireBearerSecret } from '../middleware/bearerSecret.js';

export interface MetricsRouteDeps {
  scrape: () => Promise<string>;
  contentType: string;
  /** METRICS_TOKEN: when set, a scrape must carry `Authorization: Bearer <token>`. */
  token?: string;
}

/** Prometheus text exposition of `scrape()`'s result. */
export function metricsRoutes({ scrape, contentType, token }: MetricsRouteDeps): Router {
  const router = new Router({ sensitive: true });
  const guard: Middleware = token === undefined ? (_ctx, next) => next() : requireBearerSecret(token);
  router.get('/metrics', guard, async (ctx) => {
    ctx.body = await scrape();
    ctx.type = contentType;
  });
  return router;
}

export const metricsOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    auth: 'public',
    summary: 'Prometheus metrics',
    description:
      'Request durations (and counts) by route template and status, event-store appends, projection lag per read model, cache outcomes, AI calls by provider and outcome, process metrics. Public unless METRICS_TOKEN is set (then `Authorization: Bearer <METRICS_TOKEN>`); with METRICS_PORT it is served on that port only. Keep it off the public proxy.',
    responses: { 200: { description: 'Prometheus text format 0.0.4.', contentType: 'text/plain; version=0.0.4; charset=utf-8', schema: { type: 'string' } } },
  },
];
