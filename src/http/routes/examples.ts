import type Router from '@koa/router';
import type { Knex } from 'knex';
import { answerWithCachedList, EXAMPLE_JOB_APPLICATIONS_LIST, type CachedLists } from '../../cache/cachedList.js';
import { NotFound } from '../../domain/errors.js';
import { toJobApplicationView, type JobApplicationView } from '../../projections/jobApplications.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { cachedListOf, jobApplication } from '../schemas/responses.js';

interface ExampleRouteDeps {
  db: Knex;
  lists: CachedLists;
}

const EXAMPLES_SHOWN = 5;

type JobApplicationRow = Parameters<typeof toJobApplicationView>[0];

/**
 * The original sliced `[:5]` off its queryset's default order. Ours is explicit, oldest
 * first, so the demo set stays put when more examples are added.
 */
export async function listExampleApplications(db: Knex): Promise<JobApplicationView[]> {
  const rows = await db('job_applications')
    .where({ is_example: true, is_deleted: false })
    .orderBy([{ column: 'created_at' }, { column: 'id' }])
    .limit(EXAMPLES_SHOWN)
    .select<JobApplicationRow[]>('*');
  return rows.map(toJobApplicationView);
}

/** Public: no authentication. */
export const exampleRouteTable: Route<ExampleRouteDeps>[] = [
  defineRoute({
    method: 'get',
    path: '/api/example-job-applications',
    tag: 'Job applications',
    auth: 'public',
    summary: 'Up to 5 example applications, for demos',
    description: 'Cached for an hour; `X-Cache-Status` says HIT or MISS.',
    responses: { 200: { description: 'The examples.', schema: cachedListOf(jobApplication) } },
    handler: async (ctx, { db, lists }) => {
      answerWithCachedList(ctx, await lists.read(EXAMPLE_JOB_APPLICATIONS_LIST, () => listExampleApplications(db)), lists.kind);
    },
  }),
  // DRF cannot look an object up in a sliced queryset: the original's detail URL always 404s.
  defineRoute({
    method: 'get',
    path: '/api/example-job-applications/:id',
    tag: 'Job applications',
    auth: 'public',
    summary: 'Always 404',
    description: 'The original could not look an object up in its sliced list; kept for compatibility.',
    responses: {},
    handler: () => {
      throw new NotFound();
    },
  }),
];

export function exampleRoutes(deps: ExampleRouteDeps): Router {
  return mountRoutes(exampleRouteTable, deps);
}
