import type Router from '@koa/router';
import type { RouterContext } from '@koa/router';
import type { Context } from 'koa';
import { createProviders, type AiProviders } from '../../ai/providers.js';
import { AI_MODELS_LIST, answerWithCachedList } from '../../cache/cachedList.js';
import { principalFor } from '../../auth/principal.js';
import { generateResume } from '../../commands/generateResume.js';
import { quotaStatus, quotaUsage, type QuotaStatus } from '../../projections/quotaUsage.js';
import type { StorageCaps } from '../../commands/storageCaps.js';
import { utcDay } from '../../domain/aiQuota/index.js';
import { findActiveModel, listActiveModels } from '../../projections/aiModels.js';
import { commandContext } from '../commandContext.js';
import { defineRoute, mountRoutes, type Route } from '../route.js';
import { generateBody } from '../schemas/ai.js';
import { cachedListOf, generateResult, modelQuota, publicAiModel } from '../schemas/responses.js';
import type { BodyOf } from '../validation/schema.js';
import type { AiRouteDeps } from './aiDeps.js';

interface AiHandlerDeps extends AiRouteDeps {
  caps: StorageCaps;
  providers: AiProviders;
}

export const aiRouteTable: Route<AiHandlerDeps>[] = [
  defineRoute({
    method: 'get',
    path: '/api/ai/models',
    tag: 'AI',
    auth: 'public',
    summary: 'The active AI models',
    description: 'Cached for an hour; `X-Cache-Status` says HIT or MISS.',
    responses: { 200: { description: 'Oldest first.', schema: cachedListOf(publicAiModel) } },
    handler: async (ctx, { db, lists }) => {
      answerWithCachedList(ctx, await lists.read(AI_MODELS_LIST, () => listActiveModels(db)), lists.kind);
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/ai/generate',
    tag: 'AI',
    auth: 'optional',
    summary: 'Generate a resume',
    description:
      'A `login_required` model needs a token. Signed in, the resume is saved and `resume_id` names it; anonymous, nothing is saved and the quota is per client IP. A failed generation costs no quota.',
    body: generateBody,
    responses: { 201: { description: 'Generated.', schema: generateResult } },
    errors: [409, 429, 503],
    handler: generate,
  }),
  defineRoute({
    method: 'get',
    path: '/api/ai/quota',
    tag: 'AI',
    auth: 'optional',
    summary: 'Your quota today, per active model',
    description: 'Anonymous: the quota of the client IP.',
    responses: { 200: { description: 'One entry per active model.', schema: { type: 'array', items: modelQuota } } },
    handler: showQuota,
  }),
];

export function aiRoutes(deps: AiRouteDeps & { caps: StorageCaps }): Router {
  const { config, logger, aiCalls } = deps;
  const providers = createProviders({
    geminiBaseUrl: config.geminiBaseUrl,
    openRouterBaseUrl: config.openRouterBaseUrl,
    timeoutMs: config.aiTimeoutMs,
    apiKeys: config.aiApiKeys,
    logger,
    observe: aiCalls,
  });
  return mountRoutes(aiRouteTable, { ...deps, providers });
}

const quotaJson = (q: QuotaStatus) => ({ daily_limit: q.dailyLimit, used_today: q.usedToday, remaining_today: q.remainingToday, resets_at: q.resetsAt });

const principalOf = (ctx: Context) => principalFor(ctx.state.user, ctx.ip);

async function generate(ctx: RouterContext, { db, commands, providers, caps }: AiHandlerDeps, parseBody: (body: unknown) => BodyOf<typeof generateBody>): Promise<void> {
  const input = parseBody(ctx.request.body);
  const generation = { commands, providers, withinResumeCap: caps.resumes, findActiveModel: (name: string) => findActiveModel(db, name) };
  const request = { model: input.model, userInput: input.user_input, title: input.title, user: ctx.state.user ?? null, clientIp: ctx.ip };
  const generated = await generateResume(generation, request, commandContext(ctx, commands.clock));
  ctx.status = 201;
  ctx.body = { resume_id: generated.resumeId, content: generated.content, model: generated.model, title: generated.title, quota: quotaJson(generated.quota) };
}

async function showQuota(ctx: RouterContext, { db, commands }: AiHandlerDeps): Promise<void> {
  const at = commands.clock.now().toISOString();
  const principal = principalOf(ctx);
  const models = await listActiveModels(db);
  ctx.body = await Promise.all(
    models.map(async (m) => ({
      model: m.display_name,
      ...quotaJson(quotaStatus(m.daily_limit, await quotaUsage(commands.store, principal, m.display_name, utcDay(at)), at)),
    })),
  );
}
