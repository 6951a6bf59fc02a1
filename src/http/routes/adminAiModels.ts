import Router from '@koa/router';
import type { AiRouteDeps } from './aiDeps.js';

/** Placeholder: replaced by /api/admin/ai-models. */
export function adminAiModelRoutes(_deps: AiRouteDeps): Router {
  return new Router();
}
