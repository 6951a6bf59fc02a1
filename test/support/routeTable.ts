import type Koa from 'koa';
import { routersOf } from '../../src/http/app.js';

export interface Route {
  method: string;
  path: string;
}

/** Every method + path the app's routers declare (HEAD, which @koa/router adds to each GET, left out). */
export function routesOf(app: Koa): Route[] {
  return (routersOf.get(app) ?? [])
    .flatMap((router) => router.stack)
    .filter((layer) => typeof layer.path === 'string')
    .flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m.toLowerCase(), path: String(layer.path) })));
}
