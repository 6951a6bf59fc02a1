import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import { bodyParser } from './middleware/bodyParser.js';
import { errors } from './middleware/errors.js';
import { notFound } from './middleware/notFound.js';
import { requestId } from './middleware/requestId.js';
import { requestLog } from './middleware/requestLog.js';
import { requestMetrics } from './middleware/metrics.js';
import { securityHeaders } from './middleware/securityHeaders.js';
import { cors } from './middleware/cors.js';
import { allowedHosts } from './middleware/allowedHosts.js';
import { requestTimeout, type RequestTimeoutOptions } from './middleware/requestTimeout.js';
import type { RecordRequestDuration } from '../metrics/requestMetrics.js';
import { healthRoutes, type ReadinessCheck } from './routes/health.js';

export type { ReadinessCheck } from './routes/health.js';

export interface HttpDeps {
  logger: Logger;
  readiness: ReadinessCheck[];
  routers: Router[];
  bodyLimitBytes?: number;
  /** Authentication (Bearer tokens), run for every request a route will take, as DRF does. */
  authenticate?: Koa.Middleware;
  /** Request durations by route template (src/metrics). */
  recordRequest?: RecordRequestDuration;
  /** ALLOWED_HOSTS, CORS_ALLOWED_ORIGINS and the request timeout; absent, every host and no origin. */
  edge?: EdgeOptions;
}

export interface EdgeOptions {
  allowedHosts: readonly string[];
  corsAllowedOrigins: readonly string[];
  requestTimeout: RequestTimeoutOptions;
}

/** Probes and scrapers reach an instance by IP: these answer any Host (they build no URLs). */
const HOST_EXEMPT_PATHS = ['/healthz', '/readyz', '/metrics'];

export function createApp(deps: HttpDeps): Koa {
  const routers = [healthRoutes(deps.readiness), ...deps.routers];
  routers.forEach(assertTrailingSlashOptional);
  const parseBody = bodyParser({ limitBytes: deps.bodyLimitBytes });

  const app = new Koa();
  app.use(requestId());
  app.use(requestLog(deps.logger));
  if (deps.recordRequest) app.use(requestMetrics(deps.recordRequest));
  // Outside the error handler, which clears a failed response's headers: these add theirs after it.
  app.use(securityHeaders());
  if (deps.edge && deps.edge.corsAllowedOrigins.length > 0) app.use(cors(deps.edge.corsAllowedOrigins));
  app.use(errors(deps.logger));
  if (deps.edge) {
    app.use(allowedHosts(deps.edge.allowedHosts, HOST_EXEMPT_PATHS));
    app.use(requestTimeout(deps.edge.requestTimeout));
  }
  // DRF's order: an unknown URL is 404 before anything else; then authentication (401) comes
  // before the method check (405); bodies are parsed only for requests a route will take.
  const authenticate = deps.authenticate;
  app.use(async (ctx, next) => {
    // One look at the route table per request: does some route own this path, and this method?
    let pathKnown = false;
    let routeKnown = false;
    for (const router of routers) {
      const match = router.match(ctx.path, ctx.method);
      pathKnown ||= match.path.some((layer) => layer.methods.length > 0);
      routeKnown ||= match.route;
      if (routeKnown) break; // a route for this method implies a known path
    }
    const parse = routeKnown ? () => parseBody(ctx, next) : next;
    if (authenticate && pathKnown) await authenticate(ctx, parse);
    else await parse();
  });
  for (const router of routers) app.use(router.routes());
  app.use(notFound());
  app.on('error', (err: unknown) => deps.logger.error({ err }, 'koa error'));
  return app;
}

/**
 * @koa/router 15 (path-to-regexp 8): with `strict` unset, a route declared as `/api/resumes`
 * serves both `/api/resumes` and `/api/resumes/` with no redirect, but one declared as
 * `/api/resumes/` serves only the slashed form. So routes are declared without the slash,
 * and a router that breaks that rule stops the boot instead of 404ing half its clients.
 */
function assertTrailingSlashOptional(router: Router): void {
  for (const layer of router.stack) {
    if (layer.methods.length === 0 || typeof layer.path !== 'string') continue;
    if (layer.opts.strict === true || (layer.path.length > 1 && layer.path.endsWith('/'))) {
      throw new Error(`Route ${layer.path} must be declared without a trailing slash and without strict: true`);
    }
  }
}
