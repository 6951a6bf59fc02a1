import Router from '@koa/router';
import { requireStaff } from '../../auth/bearer.js';
import { configureAiModel, deactivateAiModel, updateAiModel } from '../../commands/aiModels.js';
import { newAiModelSettings } from '../../domain/aiModel/index.js';
import { getAiModel, listAllModels } from '../../projections/aiModels.js';
import { commandContext } from '../commandContext.js';
import { pathName } from '../requestUrl.js';
import { aiModelBody } from '../schemas/aiModels.js';
import { bodyValidator } from '../validation/bodyValidator.js';
import type { AiRouteDeps } from './aiDeps.js';
import type { OperationSpec } from '../openapi/operation.js';
import { aiModel as aiModelView } from '../schemas/responses.js';

const aiModel = bodyValidator(aiModelBody);

/** Staff manage AI model settings; every change is an event, and DELETE only deactivates. */
export function adminAiModelRoutes({ db, commands }: AiRouteDeps): Router {
  const r = new Router({ prefix: '/api/admin/ai-models', sensitive: true });

  r.get('/', requireStaff, async (ctx) => {
    ctx.body = await listAllModels(db);
  });

  r.post('/', requireStaff, async (ctx) => {
    const settings = newAiModelSettings(aiModel.parse(ctx.request.body));
    await configureAiModel(commands, settings, commandContext(ctx, commands.clock));
    ctx.status = 201;
    ctx.body = await getAiModel(db, settings.display_name);
  });

  r.get('/:displayName', requireStaff, async (ctx) => {
    ctx.body = await getAiModel(db, pathName(ctx.params.displayName));
  });

  r.patch('/:displayName', requireStaff, async (ctx) => {
    const { display_name: name } = await getAiModel(db, pathName(ctx.params.displayName)); // 404 before 400, as DRF looks up first
    await updateAiModel(commands, name, aiModel.parsePartial(ctx.request.body), commandContext(ctx, commands.clock));
    ctx.body = await getAiModel(db, name);
  });

  r.delete('/:displayName', requireStaff, async (ctx) => {
    await deactivateAiModel(commands, pathName(ctx.params.displayName), commandContext(ctx, commands.clock));
    ctx.status = 204;
  });

  return r;
}

const ofModel = { path: '/api/admin/ai-models/:displayName', tag: 'Admin', auth: 'staff' } as const;
const theModel = { description: 'The model’s settings.', schema: aiModelView };
export const adminAiModelOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/api/admin/ai-models',
    tag: 'Admin',
    auth: 'staff',
    summary: 'Every AI model, inactive ones included',
    responses: { 200: { description: 'Oldest first.', schema: { type: 'array', items: aiModelView } } },
  },
  { method: 'post', path: '/api/admin/ai-models', tag: 'Admin', auth: 'staff', summary: 'Add an AI model', body: aiModel.schema, responses: { 201: theModel }, errors: [409] },
  { ...ofModel, method: 'get', summary: 'One AI model, by display name in any case', responses: { 200: theModel } },
  { ...ofModel, method: 'patch', summary: 'Change an AI model’s settings', body: aiModel.schema, responses: { 200: theModel }, errors: [409] },
  { ...ofModel, method: 'delete', summary: 'Deactivate an AI model', responses: { 204: { description: 'Deactivated.' } }, errors: [409] },
];
