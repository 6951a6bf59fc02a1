import type { Knex } from 'knex';
import type { CommandDeps } from './deps.js';
import { aggregate } from './aggregate.js';
import { RETRY } from './retry.js';
import type { CommandContext } from '../domain/decider.js';
import { aiModelDecider, aiModelStream, type AiModelChanges, type AiModelSettings } from '../domain/aiModel/index.js';
import { ValidationFailed } from '../domain/errors.js';
import { START } from '../eventstore/port.js';
import { OFFLINE_MODEL } from '../examples/offlineModel.js';
import type { Logger } from '../logger.js';
import { aiModelExists } from '../projections/aiModelExists.js';
import { aiModelsProjection, anyAiModel } from '../projections/aiModels.js';
import { ProjectionTimeout } from '../projections/progress.js';

/** A name taken in any case is refused: a lost race re-reads and says so. */
const aiModels = aggregate({
  decider: aiModelDecider,
  streamOf: (command) => aiModelStream(command.type === 'ConfigureAiModel' ? command.data.settings.display_name : command.data.displayName),
  retry: RETRY.few,
});

/** Creates a model; a name taken in any case is refused. */
export async function configureAiModel(deps: CommandDeps, settings: AiModelSettings, context: CommandContext): Promise<void> {
  await aiModels.run(deps, { type: 'ConfigureAiModel', data: { settings, at: context.at } }, context);
}

/** Records only the settings that differ; nothing differing records nothing. */
export async function updateAiModel(deps: CommandDeps, displayName: string, changes: AiModelChanges, context: CommandContext): Promise<void> {
  await aiModels.run(deps, { type: 'UpdateAiModel', data: { displayName, changes, at: context.at } }, context);
}

/** Idempotent: deactivating an inactive model records nothing. */
export async function deactivateAiModel(deps: CommandDeps, displayName: string, context: CommandContext): Promise<void> {
  await aiModels.run(deps, { type: 'DeactivateAiModel', data: { displayName, at: context.at } }, context);
}

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

/** Whether `ai_models`, which `anyAiModel` reads, has applied the whole log. */
async function aiModelsCaughtUp(deps: CommandDeps): Promise<boolean> {
  const head = await deps.store.headPosition();
  if (head === START) return true;
  try {
    await deps.waitFor([aiModelsProjection.name], head);
    return true;
  } catch (err) {
    if (err instanceof ProjectionTimeout) return false;
    throw err;
  }
}
