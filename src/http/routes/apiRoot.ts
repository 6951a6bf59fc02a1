import type Router from '@koa/router';
import { requestOrigin } from '../requestUrl.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';

/** Resource name → path, in the order shown; `resumes` first, the original root's one entry. */
export const API_ROOT_ENTRIES: readonly (readonly [string, string])[] = [
  ['resumes', '/api/resumes/'],
  ['job-applications', '/api/job-applications/'],
  ['job-application-stats', '/api/job-applications/stats/'],
  ['example-job-applications', '/api/example-job-applications/'],
  ['ai-models', '/api/ai/models/'],
  ['ai-generate', '/api/ai/generate/'],
  ['ai-quota', '/api/ai/quota/'],
  ['auth-register', '/api/auth/register/'],
  ['auth-token', '/api/auth/token/'],
  ['auth-token-refresh', '/api/auth/token/refresh/'],
  ['auth-token-blacklist', '/api/auth/token/blacklist/'],
  ['auth-me', '/api/auth/me/'],
  ['admin-ai-models', '/api/admin/ai-models/'],
  ['admin-projections', '/api/admin/projections/'],
  ['schema', '/api/schema/'],
  ['docs', '/api/docs/'],
];

/** Like DRF's DefaultRouter root: each resource's absolute URL. Public. */
export const apiRootRouteTable: Route<void>[] = [
  defineRoute({
    method: 'get',
    path: '/api',
    tag: 'Discovery',
    auth: 'public',
    summary: 'API root: each resource’s absolute URL',
    responses: {
      200: {
        description: 'Resource name → URL.',
        schema: {
          type: 'object',
          properties: Object.fromEntries(API_ROOT_ENTRIES.map(([name]) => [name, { type: 'string', format: 'uri' }])),
          required: API_ROOT_ENTRIES.map(([name]) => name),
          additionalProperties: false,
        },
      },
    },
    handler: (ctx) => {
      const origin = requestOrigin(ctx);
      ctx.body = Object.fromEntries(API_ROOT_ENTRIES.map(([name, path]) => [name, `${origin}${path}`]));
    },
  }),
];

export function apiRootRoutes(): Router {
  return mountRoutes(apiRootRouteTable, undefined);
}
