import Router from '@koa/router';
import type { AiRouteDeps } from './aiDeps.js';

/** Placeholder: replaced by /api/ai/models, /api/ai/generate and /api/ai/quota. */
export function aiRoutes(_deps: AiRouteDeps): Router {
  return new Router();
}
