import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { hitBody, type CachedLists } from '../cache/cachedList.js';
import type { RecordRequestDuration } from '../metrics/requestMetrics.js';
import { routersOf } from './app.js';
import { hostChecker } from './middleware/allowedHosts.js';
import { requestIdOf } from './middleware/requestId.js';
import { logRequest } from './middleware/requestLog.js';
import type { ProxyTrust } from './proxyTrust.js';
import { apiSecurityHeaders } from './middleware/securityHeaders.js';

export interface CachedListRoute {
  /** The GET route serving the list, as its router declares it (no trailing slash; clients may add one). */
  path: string;
  /** The list's cache key. */
  key: string;
}

export interface CachedListLaneOptions {
  routes: readonly CachedListRoute[];
  lists: Pick<CachedLists, 'peek' | 'kind'>;
  logger: Logger;
  recordRequest?: RecordRequestDuration;
  allowedHosts: readonly string[];
  /** CORS is configured: answers vary by Origin, and a request that carries one takes the full stack. */
  cors: boolean;
  /** TRUST_PROXY: the host is checked as the app checks it (X-Forwarded-Host from a trusted proxy). */
  proxy: Pick<ProxyTrust, 'host'>;
}

/**
 * The public lists' busiest answer, a HIT, served without the framework: the same bytes and
 * headers the app sends (security headers, X-Request-Id, X-Cache-Status, Vary), the same
 * request metric, log line and cache count, for a fraction of the CPU (Koa's context, its
 * middleware chain and the router cost more than reading Redis). Anything else — another
 * path or method, a query string, an Authorization header (DRF authenticates even on public
 * views: a bad token is a 401), an Origin under CORS, a host not served (read as the app
 * reads it, X-Forwarded-Host only from a trusted proxy), a MISS, Redis failing — goes to the
 * app, untouched.
 */
export function cachedListLane(app: Koa, options: CachedListLaneOptions): RequestListener {
  const full = app.callback();
  assertRoutesServed(app, options.routes);
  const routeOf = new Map<string, CachedListRoute>();
  for (const route of options.routes) {
    routeOf.set(route.path, route);
    routeOf.set(`${route.path}/`, route);
  }
  const hostAllowed = hostChecker(options.allowedHosts);
  const fixedHeaders = [
    ...apiSecurityHeaders().flat(),
    'Content-Type', 'application/json; charset=utf-8',
    'X-Cache-Status', 'HIT',
    ...(options.cors ? ['Vary', 'Origin'] : []),
  ];

  const plain = (req: IncomingMessage): boolean =>
    req.headers.authorization === undefined &&
    !(options.cors && req.headers.origin !== undefined) &&
    (!hostAllowed || hostAllowed(options.proxy.host(req)));

  async function answer(route: CachedListRoute, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const stored = await options.lists.peek(route.key).catch(() => null);
    if (stored === null) return void full(req, res); // the app answers (and counts) the MISS or the BYPASS
    const requestId = requestIdOf(singleHeader(req.headers['x-request-id']));
    const body = hitBody(stored, options.lists.kind);
    res.writeHead(200, [...fixedHeaders, 'X-Request-Id', requestId, 'Content-Length', String(Buffer.byteLength(body))]);
    res.end(body);
    options.recordRequest?.(route.path, 'GET', 200, (performance.now() - started) / 1000);
    logRequest(options.logger, started, { requestId, method: 'GET', route: route.path, status: 200 });
  }

  return (req, res) => {
    const route = req.method === 'GET' ? routeOf.get(req.url ?? '') : undefined;
    if (route && plain(req)) void answer(route, req, res);
    else void full(req, res);
  };
}

const singleHeader = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value.join(', ') : value);

/** A lane for a path the app no longer serves would keep answering it: refuse to start instead. */
function assertRoutesServed(app: Koa, routes: readonly CachedListRoute[]): void {
  const routers = routersOf.get(app) ?? [];
  for (const { path } of routes) {
    if (!routers.some((router) => router.match(path, 'GET').route)) throw new Error(`cached list lane: no GET route serves ${path}`);
  }
}
