import Router, { type RouterMiddleware } from '@koa/router';
import { requireUser } from '../../auth/bearer.js';
import { createResume, deleteResume, updateResume } from '../../commands/resumes.js';
import { readResumeHistory } from '../../history/resumeHistory.js';
import { assertNever } from '../../domain/errors.js';
import type { ResumeChanges, ResumeEvent } from '../../domain/resume/index.js';
import type { RecordedEvent } from '../../eventstore/port.js';
import { getResume, listResumes, resumeListSpec } from '../../projections/resumes.js';
import { commandContext } from '../commandContext.js';
import { pathId, requestOrigin } from '../requestUrl.js';
import { jsonStream, mapChunks } from '../jsonStream.js';
import { pageUrlFor, parseListQuery } from '../listQuery.js';
import { resumeBody } from '../schemas/resumes.js';
import { bodyValidator } from '../validation/bodyValidator.js';
import type { OperationSpec } from '../openapi/operation.js';
import { listOf, resume as resumeView, resumeHistoryEntry } from '../schemas/responses.js';
import type { ResourceRouteDeps } from './resources.js';

const resume = bodyValidator(resumeBody);

export function resumeRoutes({ db, commands, caps }: ResourceRouteDeps): Router {
  const r = new Router({ prefix: '/api/resumes', sensitive: true });

  r.get('/', requireUser, async (ctx) => {
    const list = parseListQuery(ctx.query, resumeListSpec);
    const pageUrl = pageUrlFor(requestOrigin(ctx), ctx.path, ctx.query);
    ctx.type = 'application/json';
    ctx.body = await listResumes(db, ctx.state.user!.id, list, pageUrl);
  });

  r.post('/', requireUser, async (ctx) => {
    const { id: userId, username } = ctx.state.user!;
    const input = resume.parse(ctx.request.body);
    const id = await caps.resumes(userId, () => createResume(commands, { userId, username, ...input }, commandContext(ctx, commands.clock)));
    ctx.status = 201;
    ctx.body = await getResume(db, userId, id);
  });

  r.get('/:id', requireUser, async (ctx) => {
    ctx.body = await getResume(db, ctx.state.user!.id, pathId(ctx.params.id));
  });

  const edit = (parse: (body: unknown) => ResumeChanges): RouterMiddleware => async (ctx) => {
    const userId = ctx.state.user!.id;
    const id = pathId(ctx.params.id);
    await getResume(db, userId, id); // DRF looks the object up (404) before it validates the body (400)
    await updateResume(commands, { id, userId, changes: parse(ctx.request.body) }, commandContext(ctx, commands.clock));
    ctx.body = await getResume(db, userId, id);
  };
  r.put('/:id', requireUser, edit(resume.parse));
  r.patch('/:id', requireUser, edit(resume.parsePartial));

  r.delete('/:id', requireUser, async (ctx) => {
    await deleteResume(commands, { id: pathId(ctx.params.id), userId: ctx.state.user!.id }, commandContext(ctx, commands.clock));
    ctx.status = 204;
  });

  r.get('/:id/history', requireUser, async (ctx) => {
    const events = await readResumeHistory(commands.store, { id: pathId(ctx.params.id), userId: ctx.state.user!.id });
    ctx.type = 'application/json';
    ctx.body = jsonStream('[', mapChunks(events, (event) => JSON.stringify(historyEntry(event))), ']');
  });

  return r;
}

const ofResume = { path: '/api/resumes/:id', tag: 'Resumes', auth: 'user' } as const;
const theResume = { description: 'The resume.', schema: resumeView };
export const resumeOperations: OperationSpec[] = [
  { method: 'get', path: '/api/resumes', tag: 'Resumes', auth: 'user', summary: 'List your resumes', description: 'Newest `updated_at` first.', list: resumeListSpec, responses: { 200: { description: 'Your resumes.', schema: listOf(resumeView) } } },
  { method: 'post', path: '/api/resumes', tag: 'Resumes', auth: 'user', summary: 'Create a resume', body: resume.schema, responses: { 201: theResume } },
  { ...ofResume, method: 'get', summary: 'One of your resumes', description: 'Another user’s resume is a 404, like a missing one.', responses: { 200: theResume } },
  { ...ofResume, method: 'put', summary: 'Replace a resume’s writable fields', body: resume.schema, responses: { 200: theResume }, errors: [409] },
  { ...ofResume, method: 'patch', summary: 'Change some of a resume’s fields', body: resume.schema, responses: { 200: theResume }, errors: [409] },
  { ...ofResume, method: 'delete', summary: 'Delete a resume', responses: { 204: { description: 'Deleted.' } }, errors: [409] },
  {
    ...ofResume,
    method: 'get',
    path: '/api/resumes/:id/history',
    summary: 'A resume’s events, oldest first',
    responses: { 200: { description: 'What each event set.', schema: { type: 'array', items: resumeHistoryEntry } } },
  },
];

function historyEntry(event: RecordedEvent<ResumeEvent>) {
  return { revision: Number(event.revision), type: event.type, at: event.data.at, changes: changesOf(event) };
}

/** What each event set, in the API's field names. */
function changesOf(event: ResumeEvent): Record<string, unknown> {
  switch (event.type) {
    case 'ResumeCreated': {
      const { title, content, source, aiModel } = event.data;
      return { title, content, source, ...(aiModel === undefined ? {} : { ai_model: aiModel }) };
    }
    case 'ResumeUpdated':
      return event.data.changes;
    case 'ResumeDeleted':
      return {};
    default:
      return assertNever(event);
  }
}
