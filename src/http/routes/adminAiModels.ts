import type Router from '@koa/router';
import { configureAiModel, deactivateAiModel, updateAiModel } from '../../commands/aiModels.js';
import { newAiModelSettings } from '../../domain/aiModel/index.js';
import { getAiModel, listAllModels } from '../../projections/aiModels.js';
import { commandContext } from '../commandContext.js';
import { pathName } from '../requestUrl.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { aiModelBody } from '../schemas/aiModels.js';
import { aiModel } from '../schemas/responses.js';
import type { AiRouteDeps } from './aiDeps.js';

const admin = { tag: 'Admin', auth: 'staff' } as const;
const ofModel = { ...admin, path: '/api/admin/ai-models/:displayName' } as const;
const theModel = { description: 'The model’s settings.', schema: aiModel };

/** Staff manage AI model settings; every change is an event, and DELETE only deactivates. */
export const adminAiModelRouteTable: Route<AiRouteDeps>[] = [
  defineRoute({
    ...admin,
    method: 'get',
    path: '/api/admin/ai-models',
    summary: 'Every AI model, inactive ones included',
    responses: { 200: { description: 'Oldest first.', schema: { type: 'array', items: aiModel } } },
    handler: async (ctx, { db }) => {
      ctx.body = await listAllModels(db);
    },
  }),
  defineRoute({
    ...admin,
    method: 'post',
    path: '/api/admin/ai-models',
    summary: 'Add an AI model',
    body: aiModelBody,
    responses: { 201: theModel },
    errors: [409],
    handler: async (ctx, { db, commands }, parseBody) => {
      const settings = newAiModelSettings(parseBody(ctx.request.body));
      await configureAiModel(commands, settings, commandContext(ctx, commands.clock));
      ctx.status = 201;
      ctx.body = await getAiModel(db, settings.display_name);
    },
  }),
  defineRoute({
    ...ofModel,
    method: 'get',
    summary: 'One AI model, by display name in any case',
    responses: { 200: theModel },
    handler: async (ctx, { db }) => {
      ctx.body = await getAiModel(db, pathName(ctx.params.displayName));
    },
  }),
  defineRoute({
    ...ofModel,
    method: 'patch',
    summary: 'Change an AI model’s settings',
    body: aiModelBody,
    responses: { 200: theModel },
    errors: [409],
    handler: async (ctx, { db, commands }, parseBody) => {
      const { display_name: name } = await getAiModel(db, pathName(ctx.params.displayName)); // 404 before 400, as DRF looks up first
      await updateAiModel(commands, name, parseBody(ctx.request.body), commandContext(ctx, commands.clock));
      ctx.body = await getAiModel(db, name);
    },
  }),
  defineRoute({
    ...ofModel,
    method: 'delete',
    summary: 'Deactivate an AI model',
    responses: { 204: { description: 'Deactivated.' } },
    errors: [409],
    handler: async (ctx, { commands }) => {
      await deactivateAiModel(commands, pathName(ctx.params.displayName), commandContext(ctx, commands.clock));
      ctx.status = 204;
    },
  }),
];

export function adminAiModelRoutes(deps: AiRouteDeps): Router {
  return mountRoutes(adminAiModelRouteTable, deps);
}
