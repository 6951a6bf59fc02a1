import Router from '@koa/router';
import type { Knex } from 'knex';
import type { CachedLists } from '../../cache/cachedList.js';

/** Placeholder: replaced by GET /api/example-job-applications. */
export function exampleRoutes(_deps: { db: Knex; lists: CachedLists }): Router {
  return new Router();
}
