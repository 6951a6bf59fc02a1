import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { Knex } from 'knex';
import { createJobApplication, restoreJobApplication, softDeleteJobApplication, updateJobApplication } from '../../commands/jobApplications.js';
import { NotFound, ValidationFailed, type FieldErrors } from '../../domain/errors.js';
import { newJobApplicationFields } from '../../domain/jobApplication/index.js';
import { jobApplicationHistory } from '../../projections/jobApplicationEvents.js';
import { findJobApplication, jobApplicationView, isOwnResume, jobApplicationListSpec, listJobApplications, type JobApplicationView } from '../../projections/jobApplications.js';
import { jobApplicationStats } from '../../projections/jobApplicationStats.js';
import { commandContext } from '../commandContext.js';
import { pathId, requestOrigin } from '../requestUrl.js';
import { jsonStream, mapChunks } from '../jsonStream.js';
import { pageUrlFor, parseListQuery } from '../listQuery.js';
import { jobApplicationBody } from '../schemas/jobApplications.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { jobApplication, jobApplicationHistoryEntry, jobApplicationStats as statsView, listOf } from '../schemas/responses.js';
import { pythonInt, pythonStr } from '../validation/python.js';
import type { BodyOf } from '../validation/schema.js';
import type { ResourceRouteDeps } from './resources.js';

type ApplicationInput = BodyOf<typeof jobApplicationBody>;

const applications = { tag: 'Job applications', auth: 'user' } as const;
const ofApplication = { ...applications, path: '/api/job-applications/:id' } as const;
const theApplication = { description: 'The application.', schema: jobApplication };
const change = { ...ofApplication, body: jobApplicationBody, responses: { 200: theApplication }, errors: [409], handler: changeApplication } as const;

export const jobApplicationRouteTable: Route<ResourceRouteDeps>[] = [
  defineRoute({
    ...applications,
    method: 'get',
    path: '/api/job-applications',
    summary: 'List your job applications',
    description: 'Newest `created_at` first; soft-deleted ones are hidden.',
    list: jobApplicationListSpec,
    responses: { 200: { description: 'Your applications.', schema: listOf(jobApplication) } },
    handler: async (ctx, { db }) => {
      const list = parseListQuery(ctx.query, jobApplicationListSpec);
      const pageUrl = pageUrlFor(requestOrigin(ctx), ctx.path, ctx.query);
      ctx.type = 'application/json';
      ctx.body = await listJobApplications(db, userIdOf(ctx), list, pageUrl);
    },
  }),
  defineRoute({ ...applications, method: 'post', path: '/api/job-applications', summary: 'Record a job application', body: jobApplicationBody, responses: { 201: theApplication }, handler: recordApplication }),
  defineRoute({
    ...applications,
    method: 'get',
    path: '/api/job-applications/stats',
    summary: 'Counts by status, funnel rates and median days between stages',
    responses: { 200: { description: 'Over your applications that are not deleted.', schema: statsView } },
    handler: async (ctx, { db }) => {
      ctx.body = await jobApplicationStats(db, userIdOf(ctx));
    },
  }),
  defineRoute({
    ...ofApplication,
    method: 'get',
    summary: 'One of your job applications',
    responses: { 200: theApplication },
    handler: async (ctx, { db }) => {
      ctx.body = await ownApplication(db, ctx);
    },
  }),
  defineRoute({ ...change, method: 'put', summary: 'Replace an application’s writable fields' }),
  defineRoute({ ...change, method: 'patch', summary: 'Change some of an application’s fields' }),
  defineRoute({
    ...ofApplication,
    method: 'delete',
    summary: 'Soft-delete an application',
    description: 'An event; `restore` undoes it.',
    responses: { 204: { description: 'Deleted.' } },
    errors: [409],
    handler: async (ctx, { commands }) => {
      await softDeleteJobApplication(commands, target(ctx), commandContext(ctx, commands.clock));
      ctx.status = 204;
    },
  }),
  defineRoute({
    ...ofApplication,
    method: 'post',
    path: '/api/job-applications/:id/restore',
    summary: 'Undo a soft delete',
    responses: { 200: theApplication },
    errors: [409],
    handler: async (ctx, { db, commands, caps }) => {
      const { id, userId } = target(ctx);
      const restore = () => restoreJobApplication(commands, { id, userId }, commandContext(ctx, commands.clock));
      // Restoring one that is not deleted changes nothing, so the cap does not apply.
      await ((await findJobApplication(db, userId, id)) ? restore() : caps.jobApplications(userId, restore));
      ctx.body = await ownApplication(db, ctx);
    },
  }),
  defineRoute({
    ...ofApplication,
    method: 'get',
    path: '/api/job-applications/:id/history',
    summary: 'An application’s timeline, oldest first',
    description: 'Soft-deleted applications included. A status move is one entry, `JobApplicationStatusChanged` with `{from, to}`; the update that carried it shows only its other fields, if any.',
    responses: { 200: { description: 'Its changes.', schema: { type: 'array', items: jobApplicationHistoryEntry } } },
    handler: async (ctx, { db }) => {
      const { id, userId } = target(ctx);
      const history = await jobApplicationHistory(db, userId, id);
      if (!history) throw new NotFound();
      ctx.type = 'application/json';
      ctx.body = jsonStream('[', mapChunks(history, (entry) => JSON.stringify(entry)), ']');
    },
  }),
];

export function jobApplicationRoutes(deps: ResourceRouteDeps): Router {
  return mountRoutes(jobApplicationRouteTable, deps);
}

async function recordApplication(ctx: RouterContext, { db, commands, caps }: ResourceRouteDeps, parseBody: (body: unknown) => ApplicationInput): Promise<void> {
  const userId = userIdOf(ctx);
  const fields = newJobApplicationFields(await validated(db, userId, parseBody, ctx.request.body));
  const commandCtx = commandContext(ctx, commands.clock);
  const id = await caps.jobApplications(userId, () => createJobApplication(commands, { userId, fields }, commandCtx));
  ctx.status = 201;
  // The read model has applied this very event (read-your-writes): answer with what a GET would read, no re-read.
  const at = commandCtx.at;
  ctx.body = jobApplicationView({ id, userId, fields, isDeleted: false, isExample: false, createdAt: at, updatedAt: at });
}

/** PUT and PATCH: the same, but for what the body must hold. */
async function changeApplication(ctx: RouterContext, { db, commands }: ResourceRouteDeps, parseBody: (body: unknown) => Partial<ApplicationInput>): Promise<void> {
  await ownApplication(db, ctx); // DRF looks the object up (404) before it validates the body (400)
  const changes = await validated(db, userIdOf(ctx), parseBody, ctx.request.body);
  await updateJobApplication(commands, { ...target(ctx), changes }, commandContext(ctx, commands.clock));
  ctx.body = await ownApplication(db, ctx);
}

/** The caller's application named in the path, not soft-deleted; else 404. */
async function ownApplication(db: Knex, ctx: RouterContext): Promise<JobApplicationView> {
  const { id, userId } = target(ctx);
  const application = await findJobApplication(db, userId, id);
  if (!application) throw new NotFound();
  return application;
}

const userIdOf = (ctx: RouterContext): number => ctx.state.user!.id;

/** The application named in the path, and the caller. */
const target = (ctx: RouterContext): { id: number; userId: number } => ({ id: pathId(ctx.params.id), userId: userIdOf(ctx) });

/**
 * DRF validates `resume_used` like any other field, so a resume that is missing or someone
 * else's is reported together with the other fields' errors, in the serializer's order
 * (the foreign key is last). The message quotes the pk as it was sent.
 */
async function validated<T>(db: Knex, userId: number, parse: (input: unknown) => T, input: unknown): Promise<T> {
  let parsed: T | undefined;
  let errors: FieldErrors = {};
  try {
    parsed = parse(input);
  } catch (err) {
    if (!(err instanceof ValidationFailed)) throw err;
    errors = err.fieldErrors;
  }
  const sent = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).resume_used : undefined;
  if (sent !== undefined && sent !== null && !errors.resume_used) {
    const resumeId = typeof sent === 'number' ? sent : pythonInt(String(sent));
    if (resumeId === undefined || !(await isOwnResume(db, userId, resumeId))) {
      errors = { ...errors, resume_used: [`Invalid pk "${pythonStr(sent)}" - object does not exist.`] };
    }
  }
  if (parsed === undefined || Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  return parsed;
}
