import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import { createResume, deleteResume, updateResume } from '../../commands/resumes.js';
import type { ResumeChanges } from '../../domain/resume/index.js';
import { readResumeHistory, resumeHistoryEntry as historyEntryOf } from '../../history/resumeHistory.js';
import { getResume, listResumes, resumeListSpec } from '../../projections/resumes.js';
import { commandContext } from '../commandContext.js';
import { pathId, requestOrigin } from '../requestUrl.js';
import { jsonStream, mapChunks } from '../../streaming/jsonStream.js';
import { pageUrlFor, parseListQuery } from '../listQuery.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { resumeBody } from '../schemas/resumes.js';
import { listOf, resume, resumeHistoryEntry } from '../schemas/responses.js';
import type { ResourceRouteDeps } from './resources.js';

const resumes = { tag: 'Resumes', auth: 'user' } as const;
const ofResume = { ...resumes, path: '/api/resumes/:id' } as const;
const theResume = { description: 'The resume.', schema: resume };
const edit = { ...ofResume, body: resumeBody, responses: { 200: theResume }, errors: [409], handler: editResume } as const;

/** The caller's own resumes. */
export const resumeRouteTable: Route<ResourceRouteDeps>[] = [
  defineRoute({
    ...resumes,
    method: 'get',
    path: '/api/resumes',
    summary: 'List your resumes',
    description: 'Newest `updated_at` first.',
    list: resumeListSpec,
    responses: { 200: { description: 'Your resumes.', schema: listOf(resume) } },
    handler: async (ctx, { db }) => {
      const list = parseListQuery(ctx.query, resumeListSpec);
      const pageUrl = pageUrlFor(requestOrigin(ctx), ctx.path, ctx.query);
      ctx.type = 'application/json';
      ctx.body = await listResumes(db, ctx.state.user!.id, list, pageUrl);
    },
  }),
  defineRoute({
    ...resumes,
    method: 'post',
    path: '/api/resumes',
    summary: 'Create a resume',
    body: resumeBody,
    responses: { 201: theResume },
    handler: async (ctx, { db, commands, caps }, parseBody) => {
      const { id: userId, username } = ctx.state.user!;
      const input = parseBody(ctx.request.body);
      const id = await caps.resumes(userId, () => createResume(commands, { userId, username, ...input }, commandContext(ctx, commands.clock)));
      ctx.status = 201;
      ctx.body = await getResume(db, userId, id);
    },
  }),
  defineRoute({
    ...ofResume,
    method: 'get',
    summary: 'One of your resumes',
    description: 'Another user’s resume is a 404, like a missing one.',
    responses: { 200: theResume },
    handler: async (ctx, { db }) => {
      ctx.body = await getResume(db, ctx.state.user!.id, pathId(ctx.params.id));
    },
  }),
  defineRoute({ ...edit, method: 'put', summary: 'Replace a resume’s writable fields' }),
  defineRoute({ ...edit, method: 'patch', summary: 'Change some of a resume’s fields' }),
  defineRoute({
    ...ofResume,
    method: 'delete',
    summary: 'Delete a resume',
    responses: { 204: { description: 'Deleted.' } },
    errors: [409],
    handler: async (ctx, { commands }) => {
      await deleteResume(commands, { id: pathId(ctx.params.id), userId: ctx.state.user!.id }, commandContext(ctx, commands.clock));
      ctx.status = 204;
    },
  }),
  defineRoute({
    ...ofResume,
    method: 'get',
    path: '/api/resumes/:id/history',
    summary: 'A resume’s events, oldest first',
    responses: { 200: { description: 'What each event set.', schema: { type: 'array', items: resumeHistoryEntry } } },
    handler: async (ctx, { commands }) => {
      const events = await readResumeHistory(commands.store, { id: pathId(ctx.params.id), userId: ctx.state.user!.id });
      ctx.type = 'application/json';
      ctx.body = jsonStream('[', mapChunks(events, (event) => JSON.stringify(historyEntryOf(event))), ']');
    },
  }),
];

export function resumeRoutes(deps: ResourceRouteDeps): Router {
  return mountRoutes(resumeRouteTable, deps);
}

/** PUT and PATCH: the same, but for what the body must hold. */
async function editResume(ctx: RouterContext, { db, commands }: ResourceRouteDeps, parseBody: (body: unknown) => ResumeChanges): Promise<void> {
  const userId = ctx.state.user!.id;
  const id = pathId(ctx.params.id);
  await getResume(db, userId, id); // DRF looks the object up (404) before it validates the body (400)
  await updateResume(commands, { id, userId, changes: parseBody(ctx.request.body) }, commandContext(ctx, commands.clock));
  ctx.body = await getResume(db, userId, id);
}
