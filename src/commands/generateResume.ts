import { buildPrompt, OFF_TOPIC_REFUSAL } from '../ai/prompt.js';
import type { AiProvider, ProviderName } from '../ai/provider.js';
import type { CommandContext } from '../domain/decider.js';
import type { AiModelSettings } from '../domain/aiModel/index.js';
import { NotAuthenticated, ValidationFailed } from '../domain/errors.js';
import { principalFor } from '../auth/principal.js';
import type { QuotaStatus } from '../projections/quotaUsage.js';
import { releaseQuota, reserveQuota } from './aiQuota.js';
import type { CommandDeps } from './deps.js';
import { createResume } from './resumes.js';
import type { WithinCap } from './storageCaps.js';

export interface GenerateResumeDeps {
  commands: CommandDeps;
  /** An active model by display name, in any case (the `ai_models` read model). */
  findActiveModel(displayName: string): Promise<AiModelSettings | undefined>;
  providers: Record<ProviderName, AiProvider>;
  /** The per-user resume cap a kept resume counts against. */
  withinResumeCap: WithinCap;
}

export interface GenerateResumeRequest {
  /** A model's display name, any case. */
  model: string;
  userInput: string;
  title?: string;
  /** Signed in, the resume is kept and the quota is the user's; anonymous, the client address's. */
  user: { id: number; username: string } | null;
  clientIp: string;
}

export interface GeneratedResume {
  /** The kept resume; null when nothing was kept (anonymous, or an off-topic refusal). */
  resumeId: number | null;
  content: string;
  /** The model's display name as configured. */
  model: string;
  title: string;
  quota: QuotaStatus;
}

export const UNTITLED_RESUME = 'Untitled Resume';

/**
 * Generates a resume with an active model: one slot of today's quota is taken first and given
 * back when nothing comes of it (the provider failed, or the resume could not be kept).
 */
export async function generateResume(deps: GenerateResumeDeps, request: GenerateResumeRequest, context: CommandContext): Promise<GeneratedResume> {
  const { commands } = deps;
  const model = await deps.findActiveModel(request.model);
  if (!model) throw new ValidationFailed({ model: [`"${request.model}" is not a valid choice.`] });
  if (model.login_required && !request.user) throw new NotAuthenticated();
  const principal = principalFor(request.user, request.clientIp);
  const slot = await reserveQuota(commands, { principal, model: model.display_name, limit: model.daily_limit }, context);
  const giveBack = (reason: string) => async (err: unknown) => {
    await releaseQuota(commands, slot, reason, context);
    throw err;
  };
  const content = await deps.providers[model.api_provider as ProviderName]
    .generate({ modelName: model.model_name, apiKeyName: model.api_key_name, prompt: buildPrompt(request.userInput) })
    .catch(giveBack('provider_failed'));
  const title = request.title ?? UNTITLED_RESUME;
  const { user } = request;
  // Signed-in users keep what was generated; an off-topic refusal is not a resume.
  const resumeId =
    user && content.trim() !== OFF_TOPIC_REFUSAL
      ? await deps
        .withinResumeCap(user.id, () => createResume(commands, { userId: user.id, username: user.username, title, content, source: 'ai', aiModel: model.display_name }, context))
        .catch(giveBack('storage_cap'))
      : null;
  const { dailyLimit, usedToday, remainingToday, resetsAt } = slot;
  return { resumeId, content, model: model.display_name, title, quota: { dailyLimit, usedToday, remainingToday, resetsAt } };
}
