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
import { logKoaError } from './koaErrors.js';

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

/** These check their own credential (METRICS_TOKEN), never a user's JWT: a scraper's token is not one. */
const OWN_CREDENTIAL_PATHS = new Set(['/metrics', '/metrics/']);

/** The routers each app dispatches to, for the tests that hold the route table against the OpenAPI document. */
export const routersOf = new WeakMap<Koa, readonly Router[]>();

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
  const dispatchers: Koa.Middleware[] = routers.map((router) => router.routes() as Koa.Middleware);
  const owners = staticRouteOwners(routers);
  app.use(async (ctx, next) => {
    const { pathKnown, owner } = owners.get(ctx.path)?.get(ctx.method) ?? lookUp(routers, ctx.path, ctx.method);
    // A request a route will take goes to that route's router alone; any other request walks
    // every router, which leave the layers its path matched on ctx.matched for the 404/405.
    const route = owner === undefined ? () => throughAll(dispatchers, ctx, next) : () => dispatchers[owner]!(ctx, next);
    const parse = owner === undefined ? route : () => parseBody(ctx, route);
    if (authenticate && pathKnown && !OWN_CREDENTIAL_PATHS.has(ctx.path)) await authenticate(ctx, parse);
    else await parse();
  });
  app.use(notFound());
  routersOf.set(app, routers);
  app.on('error', logKoaError(deps.logger));
  return app;
}

interface RouteLookup {
  /** Some route owns this path (for some method). */
  pathKnown: boolean;
  /** Index of the first router with a route for this path and method. */
  owner: number | undefined;
}

/** One look at the route table: which router, if any, takes this request. */
function lookUp(routers: readonly Router[], path: string, method: string): RouteLookup {
  let pathKnown = false;
  for (let i = 0; i < routers.length; i++) {
    const match = routers[i]!.match(path, method);
    pathKnown ||= match.path.some((layer) => layer.methods.length > 0);
    if (match.route) return { pathKnown: true, owner: i };
  }
  return { pathKnown, owner: undefined };
}

/**
 * The answers of `lookUp` for every path without parameters (with and without its trailing
 * slash) and every method a route declares on it, worked out once: the busiest requests
 * skip matching against the route table altogether.
 */
function staticRouteOwners(routers: readonly Router[]): Map<string, Map<string, RouteLookup>> {
  const owners = new Map<string, Map<string, RouteLookup>>();
  for (const router of routers) {
    for (const layer of router.stack) {
      if (layer.methods.length === 0 || layer.paramNames.length > 0 || typeof layer.path !== 'string') continue;
      for (const path of [layer.path, `${layer.path}/`]) {
        const byMethod = owners.get(path) ?? new Map<string, RouteLookup>();
        for (const method of layer.methods) byMethod.set(method, lookUp(routers, path, method));
        owners.set(path, byMethod);
      }
    }
  }
  return owners;
}

function throughAll(dispatchers: readonly Koa.Middleware[], ctx: Koa.Context, next: Koa.Next): Promise<unknown> {
  const at = (i: number): Promise<unknown> => (i < dispatchers.length ? Promise.resolve(dispatchers[i]!(ctx, () => at(i + 1))) : next());
  return at(0);
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
