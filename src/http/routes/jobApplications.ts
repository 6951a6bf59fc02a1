import Router from '@koa/router';
import type { ResourceRouteDeps } from './resources.js';

/** Placeholder: replaced by the real routes. */
export function jobApplicationRoutes(_deps: ResourceRouteDeps): Router {
  return new Router();
}
