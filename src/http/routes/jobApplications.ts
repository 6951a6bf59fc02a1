import Router, { type RouterContext } from '@koa/router';
import { requireUser } from '../../auth/bearer.js';
import { changeJobApplication } from '../../commands/changeJobApplication.js';
import { restoreJobApplication, softDeleteJobApplication } from '../../commands/jobApplications.js';
import { recordJobApplication } from '../../commands/recordJobApplication.js';
import type { ApplicationBody } from '../../commands/resumeUsedCheck.js';
import { NotFound } from '../../domain/errors.js';
import { jobApplicationHistory } from '../../projections/jobApplicationEvents.js';
import { createdJobApplicationView, findJobApplication, isOwnResume, jobApplicationListSpec, listJobApplications, type JobApplicationView } from '../../projections/jobApplications.js';
import { jobApplicationStats } from '../../projections/jobApplicationStats.js';
import { commandContext } from '../commandContext.js';
import { pathId, requestOrigin } from '../requestUrl.js';
import { jsonStream, mapChunks } from '../../streaming/jsonStream.js';
import { pageUrlFor, parseListQuery } from '../listQuery.js';
import { jobApplicationBody } from '../schemas/jobApplications.js';
import { bodyValidator } from '../validation/bodyValidator.js';
import type { OperationSpec } from '../openapi/operation.js';
import { jobApplication, jobApplicationHistoryEntry, jobApplicationStats as statsView, listOf } from '../schemas/responses.js';
import { pythonInt, pythonStr } from '../validation/python.js';
import type { ResourceRouteDeps } from './resources.js';

const body = bodyValidator(jobApplicationBody);

export function jobApplicationRoutes({ db, commands, caps }: ResourceRouteDeps): Router {
  const r = new Router({ prefix: '/api/job-applications', sensitive: true });
  const context = (ctx: RouterContext) => commandContext(ctx, commands.clock);
  const ownApplication = async (ctx: RouterContext): Promise<JobApplicationView> => {
    const { id, userId } = target(ctx);
    const application = await findJobApplication(db, userId, id);
    if (!application) throw new NotFound();
    return application;
  };

  r.get('/', requireUser, async (ctx) => {
    const list = parseListQuery(ctx.query, jobApplicationListSpec);
    const pageUrl = pageUrlFor(requestOrigin(ctx), ctx.path, ctx.query);
    ctx.type = 'application/json';
    ctx.body = await listJobApplications(db, userIdOf(ctx), list, pageUrl);
  });

  r.post('/', requireUser, async (ctx) => {
    const userId = userIdOf(ctx);
    const commandCtx = context(ctx);
    const recording = { commands, ownsResume: (owner: number, resumeId: number) => isOwnResume(db, owner, resumeId), withinCap: caps.jobApplications };
    const { id, fields } = await recordJobApplication(recording, { userId, body: applicationBody(ctx.request.body, body.parse) }, commandCtx);
    ctx.status = 201;
    // The read model has applied this very event (read-your-writes): answer from it, no re-read.
    ctx.body = createdJobApplicationView({ id, userId, fields, isExample: false, at: commandCtx.at });
  });

  r.get('/stats', requireUser, async (ctx) => {
    ctx.body = await jobApplicationStats(db, userIdOf(ctx));
  });

  r.get('/:id', requireUser, async (ctx) => {
    ctx.body = await ownApplication(ctx);
  });

  const update = (parse: typeof body.parsePartial) => async (ctx: RouterContext) => {
    const changing = {
      commands,
      ownsResume: (userId: number, resumeId: number) => isOwnResume(db, userId, resumeId),
      findApplication: (userId: number, id: number) => findJobApplication(db, userId, id),
    };
    ctx.body = await changeJobApplication(changing, { ...target(ctx), body: applicationBody(ctx.request.body, parse) }, context(ctx));
  };
  r.put('/:id', requireUser, update(body.parse));
  r.patch('/:id', requireUser, update(body.parsePartial));

  r.delete('/:id', requireUser, async (ctx) => {
    await softDeleteJobApplication(commands, target(ctx), context(ctx));
    ctx.status = 204;
  });

  r.post('/:id/restore', requireUser, async (ctx) => {
    const { id, userId } = target(ctx);
    const restore = () => restoreJobApplication(commands, { id, userId }, context(ctx));
    // Restoring one that is not deleted changes nothing, so the cap does not apply.
    await ((await findJobApplication(db, userId, id)) ? restore() : caps.jobApplications(userId, restore));
    ctx.body = await ownApplication(ctx);
  });

  r.get('/:id/history', requireUser, async (ctx) => {
    const { id, userId } = target(ctx);
    const history = await jobApplicationHistory(db, userId, id);
    if (!history) throw new NotFound();
    ctx.type = 'application/json';
    ctx.body = jsonStream('[', mapChunks(history, (entry) => JSON.stringify(entry)), ']');
  });

  return r;
}

const ofApplication = { path: '/api/job-applications/:id', tag: 'Job applications', auth: 'user' } as const;
const theApplication = { description: 'The application.', schema: jobApplication };
export const jobApplicationOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/api/job-applications',
    tag: 'Job applications',
    auth: 'user',
    summary: 'List your job applications',
    description: 'Newest `created_at` first; soft-deleted ones are hidden.',
    list: jobApplicationListSpec,
    responses: { 200: { description: 'Your applications.', schema: listOf(jobApplication) } },
  },
  { method: 'post', path: '/api/job-applications', tag: 'Job applications', auth: 'user', summary: 'Record a job application', body: body.schema, responses: { 201: theApplication } },
  {
    method: 'get',
    path: '/api/job-applications/stats',
    tag: 'Job applications',
    auth: 'user',
    summary: 'Counts by status, funnel rates and median days between stages',
    responses: { 200: { description: 'Over your applications that are not deleted.', schema: statsView } },
  },
  { ...ofApplication, method: 'get', summary: 'One of your job applications', responses: { 200: theApplication } },
  { ...ofApplication, method: 'put', summary: 'Replace an application’s writable fields', body: body.schema, responses: { 200: theApplication }, errors: [409] },
  { ...ofApplication, method: 'patch', summary: 'Change some of an application’s fields', body: body.schema, responses: { 200: theApplication }, errors: [409] },
  { ...ofApplication, method: 'delete', summary: 'Soft-delete an application', description: 'An event; `restore` undoes it.', responses: { 204: { description: 'Deleted.' } }, errors: [409] },
  { ...ofApplication, method: 'post', path: '/api/job-applications/:id/restore', summary: 'Undo a soft delete', responses: { 200: theApplication }, errors: [409] },
  {
    ...ofApplication,
    method: 'get',
    path: '/api/job-applications/:id/history',
    summary: 'An application’s timeline, oldest first',
    description: 'Soft-deleted applications included. A status move is one entry, `JobApplicationStatusChanged` with `{from, to}`; the update that carried it shows only its other fields, if any.',
    responses: { 200: { description: 'Its changes.', schema: { type: 'array', items: jobApplicationHistoryEntry } } },
  },
];

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
