import Router from '@koa/router';
import type Koa from 'koa';

export interface Route {
  method: string;
  path: string;
}

/** Every method + path the app's routers declare (HEAD, which @koa/router adds to each GET, left out). */
export function routesOf(app: Koa): Route[] {
  return app.middleware
    .map((middleware) => (middleware as { router?: unknown }).router)
    .filter((router): router is Router => router instanceof Router)
    .flatMap((router) => router.stack)
    .filter((layer) => typeof layer.path === 'string')
    .flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m.toLowerCase(), path: String(layer.path) })));
}
