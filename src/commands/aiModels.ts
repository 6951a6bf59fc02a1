import type { Knex } from 'knex';
import type { CommandDeps } from './deps.js';
import { handleCommand } from './handle.js';
import type { CommandContext } from '../domain/decider.js';
import { aiModelDecider, aiModelStream, newAiModelSettings, type AiModelChanges, type AiModelCommand, type AiModelSettings } from '../domain/aiModel/index.js';
import { ValidationFailed } from '../domain/errors.js';
import { START } from '../eventstore/port.js';
import type { Logger } from '../logger.js';
import { anyAiModel } from '../projections/aiModels.js';
import { ProjectionTimeout } from '../projections/progress.js';

const READ_MODELS = ['ai_models'] as const;

async function run(deps: CommandDeps, displayName: string, command: AiModelCommand, context: CommandContext, retries: number): Promise<void> {
  const { position } = await handleCommand(deps.store, aiModelDecider, aiModelStream(displayName), command, context, { retries });
  if (position) await deps.waitFor(READ_MODELS, position);
}

/** Creates a model; a name taken in any case is refused (a lost race re-reads and says so). */
export async function configureAiModel(deps: CommandDeps, settings: AiModelSettings, context: CommandContext): Promise<void> {
  await run(deps, settings.display_name, { type: 'ConfigureAiModel', data: { settings, at: context.at } }, context, 1);
}

/** Records only the settings that differ; nothing differing records nothing. */
export async function updateAiModel(deps: CommandDeps, displayName: string, changes: AiModelChanges, context: CommandContext): Promise<void> {
  await run(deps, displayName, { type: 'UpdateAiModel', data: { displayName, changes, at: context.at } }, context, 2);
}

/** Idempotent: deactivating an inactive model records nothing. */
export async function deactivateAiModel(deps: CommandDeps, displayName: string, context: CommandContext): Promise<void> {
  await run(deps, displayName, { type: 'DeactivateAiModel', data: { displayName, at: context.at } }, context, 2);
}

/** Asks the log, which knows a model the instant it is configured. */
export async function aiModelExists(deps: Pick<CommandDeps, 'store'>, displayName: string): Promise<boolean> {
  return (await deps.store.readStream(aiModelStream(displayName))).length > 0;
}

export const OFFLINE_MODEL = newAiModelSettings({
  display_name: 'ResuMate Offline',
  model_name: 'offline',
  api_provider: 'offline',
  daily_limit: 20,
  response_time_info: 'Instant',
  description: 'Builds a one-page markdown resume from your text, with placeholders for missing facts. Needs no AI provider.',
});

export type SeedOutcome = 'created' | 'exists' | 'skipped';

/**
 * Seeds the offline model so the product works with no API keys, but only on a deployment
 * that has never configured any model: an admin who replaced it must not see it come back.
 * It trusts `ai_models` only once that read model has applied the whole log; when it cannot
 * catch up in time nothing is seeded ('skipped') and the next start checks again. Instances
 * starting together are safe: the model's stream admits one configuration.
 */
export async function ensureOfflineModel(deps: CommandDeps, db: Knex, logger: Logger): Promise<SeedOutcome> {
  if (await aiModelExists(deps, OFFLINE_MODEL.display_name)) return 'exists';
  if (!(await aiModelsCaughtUp(deps))) {
    logger.warn('ai_models is catching up with the log: the offline AI model was not seeded; the next start checks again');
    return 'skipped';
  }
  if (await anyAiModel(db)) return 'exists';
  try {
    await configureAiModel(deps, OFFLINE_MODEL, { userId: null, requestId: 'seed-offline-model', at: deps.clock.now().toISOString() });
  } catch (err) {
    if (err instanceof ValidationFailed && err.fieldErrors.display_name) return 'exists';
    if (!(err instanceof ProjectionTimeout)) throw err;
  }
  logger.info({ model: OFFLINE_MODEL.display_name }, 'offline AI model created');
  return 'created';
}

async function aiModelsCaughtUp(deps: CommandDeps): Promise<boolean> {
  const head = await deps.store.headPosition();
  if (head === START) return true;
  try {
    await deps.waitFor(READ_MODELS, head);
    return true;
  } catch (err) {
    if (err instanceof ProjectionTimeout) return false;
    throw err;
  }
}
