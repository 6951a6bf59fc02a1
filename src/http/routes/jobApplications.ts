import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { Knex } from 'knex';
import { changeJobApplication } from '../../commands/changeJobApplication.js';
import { restoreJobApplication, softDeleteJobApplication } from '../../commands/jobApplications.js';
import { recordJobApplication } from '../../commands/recordJobApplication.js';
import type { ApplicationBody } from '../../commands/resumeUsedCheck.js';
import { NotFound } from '../../domain/errors.js';
import { jobApplicationHistory } from '../../projections/jobApplicationEvents.js';
import { findJobApplication, jobApplicationView, isOwnResume, jobApplicationListSpec, listJobApplications, type JobApplicationView } from '../../projections/jobApplications.js';
import { jobApplicationStats } from '../../projections/jobApplicationStats.js';
import { commandContext } from '../commandContext.js';
import { pathId, requestOrigin } from '../requestUrl.js';
import { jsonStream, mapChunks } from '../../streaming/jsonStream.js';
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
  const commandCtx = commandContext(ctx, commands.clock);
  const recording = { commands, ownsResume: (owner: number, resumeId: number) => isOwnResume(db, owner, resumeId), withinCap: caps.jobApplications };
  const { id, fields } = await recordJobApplication(recording, { userId, body: applicationBody(ctx.request.body, parseBody) }, commandCtx);
  ctx.status = 201;
  // The read model has applied this very event (read-your-writes): answer with what a GET would read, no re-read.
  const at = commandCtx.at;
  ctx.body = jobApplicationView({ id, userId, fields, isDeleted: false, isExample: false, createdAt: at, updatedAt: at });
}

/** PUT and PATCH: the same, but for what the body must hold. */
async function changeApplication(ctx: RouterContext, { db, commands }: ResourceRouteDeps, parseBody: (body: unknown) => Partial<ApplicationInput>): Promise<void> {
  const changing = {
    commands,
    ownsResume: (userId: number, resumeId: number) => isOwnResume(db, userId, resumeId),
    findApplication: (userId: number, id: number) => findJobApplication(db, userId, id),
  };
  ctx.body = await changeJobApplication(changing, { ...target(ctx), body: applicationBody(ctx.request.body, parseBody) }, commandContext(ctx, commands.clock));
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

/** The body as sent, read by `parse`; `resume_used` is checked against the caller's resumes by the use case. */
function applicationBody<T>(input: unknown, parse: (input: unknown) => T): ApplicationBody<T> {
  const sent = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).resume_used : undefined;
  // Only a number or a string can pass the schema as a pk; anything else is already its error.
  const id = typeof sent === 'number' ? sent : typeof sent === 'string' ? pythonInt(sent) : undefined;
  const resumeUsed = sent === undefined || sent === null ? undefined : { id, asSent: () => pythonStr(sent) };
  return { read: () => parse(input), resumeUsed };
}
