import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { errors } from './middleware/errors.js';
import { notFound } from './middleware/notFound.js';
import { logKoaError } from './koaErrors.js';

/**
 * What METRICS_PORT listens with: the metrics router alone (its token check included), with
 * the API's error shape; every other path is a 404.
 */
export function createMetricsApp(metrics: Router, logger: Logger): Koa {
  const app = new Koa();
  app.use(errors(logger));
  app.use(metrics.routes() as Koa.Middleware);
  app.use(notFound());
  app.on('error', logKoaError(logger));
  return app;
}
