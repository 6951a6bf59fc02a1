import type Router from '@koa/router';
import type { Middleware } from 'koa';
import { requireBearerSecret } from '../middleware/bearerSecret.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';

export interface MetricsRouteDeps {
  scrape: () => Promise<string>;
  contentType: string;
  /** METRICS_TOKEN: when set, a scrape must carry `Authorization: Bearer <token>`. */
  token?: string;
}

interface Scrape {
  scrape: () => Promise<string>;
  contentType: string;
  /** Lets the scraper through (METRICS_TOKEN), or anyone when no token is set. */
  guard: Middleware;
}

/** Prometheus text exposition of `scrape()`'s result. */
export const metricsRouteTable: Route<Scrape>[] = [
  defineRoute({
    method: 'get',
    path: '/metrics',
    tag: 'Operations',
    auth: 'public',
    summary: 'Prometheus metrics',
    description:
      'Request durations (and counts) by route template and status, event-store appends, projection lag per read model, cache outcomes, AI calls by provider and outcome, process metrics. Public unless METRICS_TOKEN is set (then `Authorization: Bearer <METRICS_TOKEN>`); with METRICS_PORT it is served on that port only. Keep it off the public proxy.',
    responses: { 200: { description: 'Prometheus text format 0.0.4.', contentType: 'text/plain; version=0.0.4; charset=utf-8', schema: { type: 'string' } } },
    handler: (ctx, { scrape, contentType, guard }) =>
      guard(ctx, async () => {
        ctx.body = await scrape();
        ctx.type = contentType;
      }),
  }),
];

export function metricsRoutes({ scrape, contentType, token }: MetricsRouteDeps): Router {
  const guard: Middleware = token === undefined ? (_ctx, next) => next() : requireBearerSecret(token);
  return mountRoutes(metricsRouteTable, { scrape, contentType, guard });
}
