import Router from '@koa/router';
import type { Context } from 'koa';
import { createProviders } from '../../ai/providers.js';
import { buildPrompt, OFF_TOPIC_REFUSAL } from '../../ai/prompt.js';
import type { ProviderName } from '../../ai/provider.js';
import { AI_MODELS_LIST, answerWithCachedList } from '../../cache/cachedList.js';
import { principalFor } from '../../auth/principal.js';
import { releaseQuota, reserveQuota } from '../../commands/aiQuota.js';
import { quotaStatus, quotaUsage, type QuotaStatus } from '../../projections/quotaUsage.js';
import { createResume } from '../../commands/resumes.js';
import type { StorageCaps } from '../../commands/storageCaps.js';
import { NotAuthenticated, ValidationFailed } from '../../domain/errors.js';
import { utcDay } from '../../domain/aiQuota/index.js';
import { findActiveModel, listActiveModels } from '../../projections/aiModels.js';
import { commandContext } from '../commandContext.js';
import { generateBody } from '../schemas/ai.js';
import { bodyValidator } from '../validation/bodyValidator.js';
import type { AiRouteDeps } from './aiDeps.js';
import type { OperationSpec } from '../openapi/operation.js';
import { cachedListOf, generateResult, modelQuota, publicAiModel } from '../schemas/responses.js';

const generate = bodyValidator(generateBody);

const quotaJson = (q: QuotaStatus) => ({ daily_limit: q.dailyLimit, used_today: q.usedToday, remaining_today: q.remainingToday, resets_at: q.resetsAt });

export function aiRoutes({ db, commands, lists, config, logger, aiCalls, caps }: AiRouteDeps & { caps: StorageCaps }): Router {
  const providers = createProviders({
    geminiBaseUrl: config.geminiBaseUrl,
    openRouterBaseUrl: config.openRouterBaseUrl,
    timeoutMs: config.aiTimeoutMs,
    // A model names the variable holding its key; the two the original knew also come from config.
    env: { ...process.env, GOOGLE_GEMINI_API_KEY: config.googleGeminiApiKey, OPENROUTER_API_KEY: config.openRouterApiKey },
    logger,
    observe: aiCalls,
  });
  const r = new Router({ prefix: '/api/ai', sensitive: true });
  const principalOf = (ctx: Context) => principalFor(ctx.state.user, ctx.ip);

  r.get('/models', async (ctx) => {
    answerWithCachedList(ctx, await lists.read(AI_MODELS_LIST, () => listActiveModels(db)), lists.kind);
  });

  r.post('/generate', async (ctx) => {
    const input = generate.parse(ctx.request.body);
    const model = await findActiveModel(db, input.model);
    if (!model) throw new ValidationFailed({ model: [`"${input.model}" is not a valid choice.`] });
    if (model.login_required && !ctx.state.user) throw new NotAuthenticated();
    const context = commandContext(ctx, commands.clock);
    const slot = await reserveQuota(commands, { principal: principalOf(ctx), model: model.display_name, limit: model.daily_limit }, context);
    const content = await providers[model.api_provider as ProviderName]
      .generate({ modelName: model.model_name, apiKeyName: model.api_key_name, prompt: buildPrompt(input.user_input) })
      .catch(async (err: unknown) => {
        // A failed generation costs no quota.
        await releaseQuota(commands, slot, 'provider_failed', context);
        throw err;
      });
    const title = input.title ?? 'Untitled Resume';
    const user = ctx.state.user;
    // Signed-in users keep what was generated; an off-topic refusal is not a resume.
    const resumeId = user && content.trim() !== OFF_TOPIC_REFUSAL
      ? await caps
        .resumes(user.id, () => createResume(commands, { userId: user.id, username: user.username, title, content, source: 'ai', aiModel: model.display_name }, context))
        .catch(async (err: unknown) => {
          await releaseQuota(commands, slot, 'storage_cap', context); // nothing kept, nothing spent
          throw err;
        })
      : null;
    ctx.status = 201;
    ctx.body = { resume_id: resumeId, content, model: model.display_name, title, quota: quotaJson(slot) };
  });

  r.get('/quota', async (ctx) => {
    const at = commands.clock.now().toISOString();
    const principal = principalOf(ctx);
    const models = await listActiveModels(db);
    ctx.body = await Promise.all(
      models.map(async (m) => ({
        model: m.display_name,
        ...quotaJson(quotaStatus(m.daily_limit, await quotaUsage(commands.store, principal, m.display_name, utcDay(at)), at)),
      })),
    );
  });

  return r;
}

export const aiOperations: OperationSpec[] = [
  {
    method: 'get',
    path: '/api/ai/models',
    tag: 'AI',
    auth: 'public',
    summary: 'The active AI models',
    description: 'Cached for an hour; `X-Cache-Status` says HIT or MISS.',
    responses: { 200: { description: 'Oldest first.', schema: cachedListOf(publicAiModel) } },
  },
  {
    method: 'post',
    path: '/api/ai/generate',
    tag: 'AI',
    auth: 'optional',
    summary: 'Generate a resume',
    description:
      'A `login_required` model needs a token. Signed in, the resume is saved and `resume_id` names it; anonymous, nothing is saved and the quota is per client IP. A failed generation costs no quota.',
    body: generate.schema,
    responses: { 201: { description: 'Generated.', schema: generateResult } },
    errors: [409, 429, 503],
  },
  {
    method: 'get',
    path: '/api/ai/quota',
    tag: 'AI',
    auth: 'optional',
    summary: 'Your quota today, per active model',
    description: 'Anonymous: the quota of the client IP.',
    responses: { 200: { description: 'One entry per active model.', schema: { type: 'array', items: modelQuota } } },
  },
];
