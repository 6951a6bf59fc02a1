import Router from '@koa/router';
import type { OperationSpec } from '../openapi/operation.js';

/** Prometheus text exposition of `scrape()`'s result. */
export function metricsRoutes({ scrape, contentType }: { scrape: () => Promise<string>; contentType: string }): Router {
  const router = new Router();
  router.get('/metrics', async (ctx) => {
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
      'Request durations (and counts) by route template and status, event-store appends, projection lag per read model, cache outcomes, AI calls by provider and outcome, process metrics. Keep it off the public proxy.',
    responses: { 200: { description: 'Prometheus text format 0.0.4.', contentType: 'text/plain; version=0.0.4; charset=utf-8', schema: { type: 'string' } } },
  },
];
